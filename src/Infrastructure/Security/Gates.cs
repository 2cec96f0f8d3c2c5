using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Template.Infrastructure.Security;

/// <summary>
/// Gates, Laravel-style: a named ability and who may use it, registered with <see cref="GateRegistration.AddGate"/>.
/// A gate is an authorization policy of the same name, so it works on endpoints (<c>RequireAuthorization</c>) and
/// on requests (<c>[Authorize(Policy = ...)]</c>, enforced by the pipeline before validation).
/// </summary>
public static class Gates
{
    /// <summary>The claim type that grants one ability outright (given to the principal jobs run as).</summary>
    public const string AbilityClaim = Jobs.ScopeCaller.AbilityClaim;
}

/// <summary>Role names the service gives meaning to.</summary>
public static class Roles
{
    public const string Admin = "admin";

    /// <summary>Allowed every gate and every policy operation: the "before" rule.</summary>
    public const string SuperAdmin = "super-admin";
}

public static class GateRegistration
{
    /// <summary>
    /// Defines <paramref name="ability"/>: a caller may use it when <paramref name="allows"/> says so and, when the
    /// caller
    /// comes with an access token, the token was granted <paramref name="scope"/> (a token without it, or without
    /// any scope, is refused). A token's scopes only narrow what its user may do; they never widen it.
    /// </summary>
    public static IServiceCollection AddGate(
        this IServiceCollection services, string ability, Func<ClaimsPrincipal, bool> allows, string? scope = null)
    {
        services.Configure<AuthorizationOptions>(options =>
            options.AddPolicy(ability, policy => policy.AddRequirements(new GateRequirement(ability, allows, scope))));
        return services;
    }

    /// <summary>The scopes of the caller's access token (<c>scope</c>, space-separated, or <c>scp</c>); empty without a
    /// token.</summary>
    public static IReadOnlySet<string> Scopes(this ClaimsPrincipal user)
    {
        return user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the caller was authenticated by an access token, whose scopes then bound what it may
    /// do.</summary>
    public static bool CameWithAccessToken(this ClaimsPrincipal user)
    {
        return user.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AuthSchemes.AccessToken);
    }

    /// <summary>The "before" rule every gate and policy applies first.</summary>
    public static bool AllowedEverything(this ClaimsPrincipal user)
    {
        return user.IsInRole(Roles.SuperAdmin);
    }

    public static bool HasAbility(this ClaimsPrincipal user, string ability)
    {
        return user.HasClaim(Gates.AbilityClaim, ability);
    }
}

public sealed record GateRequirement(string Ability, Func<ClaimsPrincipal, bool> Allows, string? Scope = null)
    : IAuthorizationRequirement;

/// <summary>Decides a gate: the before rule, then an ability granted outright, then the gate's own rule.</summary>
public sealed class GateHandler : AuthorizationHandler<GateRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, GateRequirement requirement)
    {
        if (requirement.Scope is { } scope && context.User.CameWithAccessToken()
            && !context.User.Scopes().Contains(scope))
        {
            context.Fail(new AuthorizationFailureReason(this, $"The access token lacks the '{scope}' scope."));
        }
        else if (context.User.AllowedEverything() || context.User.HasAbility(requirement.Ability)
            || requirement.Allows(context.User))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, $"This requires the '{requirement.Ability}' ability."));
        }

        return Task.CompletedTask;
    }
}
