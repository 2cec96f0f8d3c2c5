namespace Template.Infrastructure.Security;

/// <summary>Names of the authorization policies the service defines.</summary>
public static class AuthorizationPolicies
{
    /// <summary>Operators: the jobs dashboard and other operational surfaces. Requires the <c>admin</c> role.</summary>
    public const string Admin = "admin";

    public const string AdminRole = "admin";
}
