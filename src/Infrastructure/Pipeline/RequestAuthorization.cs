using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// The pipeline's authorization step: the <see cref="AuthorizeAttribute"/>s declared on a request type are
/// enforced before validation runs. An anonymous caller gets 401, a caller the policy refuses gets 403 with the
/// policy's reason. Runs for background execution too, where the caller is whoever the job runs as.
/// </summary>
public static class RequestAuthorization
{
    /// <summary>The authorization attributes of a request type; the pipeline reads them once per type.</summary>
    public static IReadOnlyList<IAuthorizeData> For(Type requestType)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        return requestType.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null
            ? []
            : [.. requestType.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>()];
    }

    public static async Task AuthorizeAsync(
        IRequestCaller caller,
        IAuthorizationService authorization,
        IAuthorizationPolicyProvider policies,
        object request,
        IReadOnlyList<IAuthorizeData> requirements)
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
        var result = await authorization.AuthorizeAsync(user, request, policy);
        if (!result.Succeeded)
        {
            var reasons = result.Failure?.FailureReasons.Select(r => r.Message).ToArray() ?? [];
            throw reasons.Length > 0 ? new ForbiddenException(string.Join(" ", reasons)) : new ForbiddenException();
        }
    }
}
