namespace Template.Infrastructure.Security;

/// <summary>The authentication schemes the service registers.</summary>
public static partial class AuthSchemes
{
    /// <summary>Picks, per request, the scheme of the credential the request carries
    /// (<c>AuthenticationMode.SchemeFor</c>).</summary>
    public const string Default = "Default";

    /// <summary>
    /// The authentication type of an identity that came from an access token: the gates then ask the token's scopes
    /// (<see cref="GateRegistration.AddGate"/>). A session, a gateway's header or a job has no scopes to ask.
    /// </summary>
    public const string AccessToken = "AccessToken";
}
