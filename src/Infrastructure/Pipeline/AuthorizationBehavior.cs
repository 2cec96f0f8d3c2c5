using System.Reflection;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// The <see cref="AuthorizeAttribute"/>s declared on a request type are enforced before validation runs. An
/// anonymous caller gets 401, a caller the policy refuses gets 403 with the policy's reason. Runs for background
/// execution too, where the caller is whoever the job runs as. The request is the resource, so a policy can look
/// at what is being asked for.
/// </summary>
/// <remarks>The services are resolved only for request types that declare a requirement.</remarks>
public sealed class AuthorizationBehavior<TMessage, TResponse>(IServiceProvider services)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly IAuthorizeData[] Requirements =
        typeof(TMessage).GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null
            ? []
            : [.. typeof(TMessage).GetCustomAttributes(inherit: true).OfType<IAuthorizeData>()];

    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        Requirements.Length == 0 ? next(message, cancellationToken) : AuthorizeAsync(message, next, cancellationToken);

    private async ValueTask<TResponse> AuthorizeAsync(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var user = services.GetRequiredService<IRequestCaller>().Principal;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new UnauthenticatedException();
        }

        var policy = await AuthorizationPolicy.CombineAsync(
            services.GetRequiredService<IAuthorizationPolicyProvider>(), Requirements);
        if (policy is not null)
        {
            var result =
                await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, message, policy);
            if (!result.Succeeded)
            {
                var reasons = result.Failure?.FailureReasons.Select(r => r.Message).ToArray() ?? [];
                throw reasons.Length > 0 ? new ForbiddenException(string.Join(" ", reasons)) : new ForbiddenException();
            }
        }

        return await next(message, cancellationToken);
    }
}
