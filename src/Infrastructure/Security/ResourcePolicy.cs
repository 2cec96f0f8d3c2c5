using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Template.Infrastructure.Errors;

namespace Template.Infrastructure.Security;

/// <summary>What a policy decides about one operation on one resource.</summary>
public readonly record struct PolicyDecision(bool Allowed, string? Reason, bool AsNotFound)
{
    public static PolicyDecision Allow() => new(true, null, false);

    /// <summary>Refused with a reason the caller sees in the 403 problem's detail.</summary>
    public static PolicyDecision Deny(string reason) => new(false, reason, false);

    /// <summary>Refused as if the resource did not exist (404), so ids of other callers' resources are not
    /// disclosed.</summary>
    public static PolicyDecision DenyAsNotFound() => new(false, null, true);
}

/// <summary>
/// A policy class per resource, Laravel-style: one method decides every operation (view, update, cancel…)
/// on a loaded resource. Handlers ask through <see cref="IAuthorizationService"/> with
/// <see cref="PolicyChecks.EnsureAllowedAsync{TResource}"/>. Super-admins pass first (the before rule).
/// </summary>
public abstract class ResourcePolicy<TResource> : AuthorizationHandler<OperationAuthorizationRequirement, TResource>
{
    protected abstract PolicyDecision Decide(ClaimsPrincipal user, string operation, TResource resource);

    protected override Task HandleRequirementAsync(
        AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, TResource resource)
    {
        if (context.User.AllowedEverything())
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var decision = Decide(context.User, requirement.Name, resource);
        if (decision.Allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new PolicyFailureReason(
                this, decision.Reason ?? "You are not allowed to perform this request.", decision.AsNotFound));
        }

        return Task.CompletedTask;
    }
}

public sealed class PolicyFailureReason(IAuthorizationHandler handler, string message, bool asNotFound)
    : AuthorizationFailureReason(handler, message)
{
    public bool AsNotFound { get; } = asNotFound;
}

public static class PolicyChecks
{
    /// <summary>
    /// Throws 404 (<paramref name="notFound"/>) or 403 with the policy's reason unless <paramref name="user"/> may
    /// perform <paramref name="operation"/> on <paramref name="resource"/>.
    /// </summary>
    public static async Task EnsureAllowedAsync<TResource>(
        this IAuthorizationService authorization, ClaimsPrincipal user, TResource resource,
        OperationAuthorizationRequirement operation, Func<Exception> notFound)
    {
        var result = await authorization.AuthorizeAsync(user, resource, operation);
        if (result.Succeeded)
        {
            return;
        }

        var reasons = result.Failure?.FailureReasons.ToList() ?? [];
        if (reasons.OfType<PolicyFailureReason>().Any(r => r.AsNotFound))
        {
            throw notFound();
        }

        throw new ForbiddenException(
            reasons.Count > 0
                ? string.Join(" ", reasons.Select(r => r.Message))
                : "You are not allowed to perform this request.");
    }
}
