using System.Diagnostics;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Hybrid;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Pipeline;

/// <summary>Registers the request pipeline every mediator request goes through, and the validators it runs.</summary>
public static class RequestPipeline
{
    /// <summary>The steps of <see cref="RequestPipelineBehavior{TMessage, TResponse}"/>, outermost first.</summary>
    public static IReadOnlyList<string> Steps { get; } = ["logging", "normalization", "authorization", "validation", "caching"];

    public static IServiceCollection AddRequestPipeline(this IServiceCollection services, System.Reflection.Assembly validatorsAssembly)
    {
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(RequestPipelineBehavior<,>));
        services.AddValidators(validatorsAssembly);
        return services;
    }

    /// <summary>
    /// Every validator of the assembly. One without constructor parameters depends on nothing, so it is built once
    /// (a validator builds its rules in its constructor); one with dependencies is scoped, as they may be.
    /// </summary>
    private static void AddValidators(this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        foreach (var found in AssemblyScanner.FindValidatorsInAssembly(assembly, includeInternalTypes: true))
        {
            var lifetime = found.ValidatorType.GetConstructors().All(c => c.GetParameters().Length == 0)
                ? ServiceLifetime.Singleton
                : ServiceLifetime.Scoped;
            services.Add(new ServiceDescriptor(found.InterfaceType, found.ValidatorType, lifetime));
            services.TryAdd(new ServiceDescriptor(found.ValidatorType, found.ValidatorType, lifetime));
        }
    }
}

/// <summary>
/// The one mediator behavior. Every request goes through its steps in this order: logging and tracing,
/// normalization (<see cref="INormalizable{TSelf}"/>), authorization (the request type's <c>[Authorize]</c>),
/// validation (its <see cref="IValidator{T}"/>s), caching (<see cref="ICachedQuery"/>,
/// <see cref="IInvalidatesCache"/>), then the handler.
/// </summary>
/// <remarks>
/// One behavior rather than one per step: with scoped handlers the generated mediator resolves every behavior and
/// wraps it in a closure on each <c>Send</c>, 60 to 80 ns and 96 B per behavior even when it has nothing to do.
/// Which steps a request type uses is decided once per type, and a step's services are resolved only for the
/// types that use it. A request whose steps and handler complete synchronously (an in-memory handler, a cache hit)
/// never suspends, and on success allocates nothing for the pipeline's own steps.
/// </remarks>
public sealed class RequestPipelineBehavior<TMessage, TResponse>(
    IServiceProvider services,
    ILogger<RequestPipelineBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly RequestSteps Steps = new(typeof(TMessage));

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        // Logging wraps everything else, so refused and invalid requests are traced and logged as well as handled
        // ones. The clock is read only when someone listens: on a virtual machine each read costs about 30 ns.
        var steps = Steps;
        var activity = RequestTelemetry.Source.StartActivity(steps.RequestName);
        activity?.SetTag("request.name", steps.RequestName);
        var started = activity is not null || RequestLog.IsObserved(logger) ? Stopwatch.GetTimestamp() : 0;
        ValueTask<TResponse> pending;
        try
        {
            pending = RunSteps(steps, message, next, cancellationToken);
        }
        catch (Exception exception)
        {
            pending = ValueTask.FromException<TResponse>(exception);
        }

        if (!pending.IsCompleted)
        {
            return AwaitAsync(pending, activity, started);
        }

        try
        {
            var response = pending.Result;
            RequestLog.Handled(logger, steps.RequestName, started);
            return new ValueTask<TResponse>(response);
        }
        catch (Exception exception)
        {
            RequestLog.Failed(logger, activity, steps.RequestName, started, exception);
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private async ValueTask<TResponse> AwaitAsync(ValueTask<TResponse> pending, Activity? activity, long started)
    {
        using (activity)
        {
            try
            {
                var response = await pending;
                RequestLog.Handled(logger, Steps.RequestName, started);
                return response;
            }
            catch (Exception exception)
            {
                RequestLog.Failed(logger, activity, Steps.RequestName, started, exception);
                throw;
            }
        }
    }

    private ValueTask<TResponse> RunSteps(RequestSteps steps, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (steps.Normalizes)
        {
            message = ((INormalizable<TMessage>)message).Normalize();
        }

        if (steps.Requirements.Count > 0)
        {
            return AuthorizeThenValidateAsync(steps, message, next, cancellationToken);
        }

        var validated = RequestValidation.ValidateAsync(services.GetServices<IValidator<TMessage>>(), message, cancellationToken);
        return validated.IsCompletedSuccessfully ? CacheOrHandle(steps, message, next, cancellationToken) : HandleAfterValidationAsync(validated, steps, message, next, cancellationToken);
    }

    private async ValueTask<TResponse> AuthorizeThenValidateAsync(RequestSteps steps, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await RequestAuthorization.AuthorizeAsync(
            services.GetRequiredService<IRequestCaller>(),
            services.GetRequiredService<IAuthorizationService>(),
            services.GetRequiredService<IAuthorizationPolicyProvider>(),
            message,
            steps.Requirements);
        await RequestValidation.ValidateAsync(services.GetServices<IValidator<TMessage>>(), message, cancellationToken);
        return await CacheOrHandle(steps, message, next, cancellationToken);
    }

    private async ValueTask<TResponse> HandleAfterValidationAsync(ValueTask validated, RequestSteps steps, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await validated;
        return await CacheOrHandle(steps, message, next, cancellationToken);
    }

    private ValueTask<TResponse> CacheOrHandle(RequestSteps steps, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (steps.IsCachedQuery)
        {
            return RequestCaching.GetOrCreateAsync(
                services.GetRequiredService<HybridCache>(), services.GetRequiredService<IRequestCaller>(),
                (ICachedQuery)message, message, next, cancellationToken);
        }

        return steps.InvalidatesCache ? HandleThenInvalidateAsync(message, next, cancellationToken) : next(message, cancellationToken);
    }

    private async ValueTask<TResponse> HandleThenInvalidateAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        await RequestCaching.InvalidateAsync(services.GetRequiredService<HybridCache>(), (IInvalidatesCache)message, cancellationToken);
        return response;
    }
}

/// <summary>Which steps of the pipeline a request type uses, read once from the type.</summary>
internal sealed class RequestSteps
{
    public RequestSteps(Type requestType)
    {
        RequestName = requestType.Name;
        Normalizes = typeof(INormalizable<>).MakeGenericType(requestType).IsAssignableFrom(requestType);
        Requirements = RequestAuthorization.For(requestType);
        IsCachedQuery = typeof(ICachedQuery).IsAssignableFrom(requestType);
        InvalidatesCache = typeof(IInvalidatesCache).IsAssignableFrom(requestType);
    }

    public string RequestName { get; }

    public bool Normalizes { get; }

    public IReadOnlyList<IAuthorizeData> Requirements { get; }

    public bool IsCachedQuery { get; }

    public bool InvalidatesCache { get; }
}
