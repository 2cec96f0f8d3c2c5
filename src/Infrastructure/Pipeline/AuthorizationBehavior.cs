using System.Collections.Concurrent;
using System.Reflection;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// Enforces the <see cref="AuthorizeAttribute"/>s declared on a request type before validation runs:
/// an anonymous caller gets 401, a caller the policy refuses gets 403 with the policy's reason.
/// Runs for background execution too, where the caller is whoever the job runs as.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(
    IRequestCaller caller,
    IAuthorizationService authorization,
    IAuthorizationPolicyProvider policies)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Read once per request type: the attributes never change.
    private static readonly IReadOnlyList<IAuthorizeData> Requirements = RequestAuthorization.For(typeof(TMessage));

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (Requirements.Count > 0)
        {
            await AuthorizeAsync(message, Requirements);
        }

        return await next(message, cancellationToken);
    }

    private async Task AuthorizeAsync(TMessage message, IReadOnlyList<IAuthorizeData> requirements)
    {
        var user = caller.Principal;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new UnauthenticatedException();
        }

        var policy = await AuthorizationPolicy.CombineAsync(policies, requirements);
        if (policy is null)
        {
            return;
        }

        // The request is the resource, so a policy can look at what is being asked for.
        var result = await authorization.AuthorizeAsync(user, message, policy);
        if (!result.Succeeded)
        {
            var reasons = result.Failure?.FailureReasons.Select(r => r.Message).ToArray() ?? [];
            throw reasons.Length > 0 ? new ForbiddenException(string.Join(" ", reasons)) : new ForbiddenException();
        }
    }
}

/// <summary>Reads and caches the authorization attributes of request types.</summary>
public static class RequestAuthorization
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<IAuthorizeData>> Cache = new();

    public static IReadOnlyList<IAuthorizeData> For(Type requestType) => Cache.GetOrAdd(requestType, static type =>
        type.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null
            ? []
            : [.. type.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>()]);
}
