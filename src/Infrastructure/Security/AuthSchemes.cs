namespace Template.Infrastructure.Security;

/// <summary>The authentication schemes the service registers.</summary>
public static class AuthSchemes
{
    /// <summary>Picks, per request, the scheme of the credential the request carries (<see cref="SecuritySetup.SchemeFor"/>).</summary>
    public const string Default = "Default";

    /// <summary>
    /// The authentication type of an identity that came from an access token: the gates then ask the token's scopes
    /// (<see cref="GateRegistration.AddGate"/>). A session, a gateway's header or a job has no scopes to ask.
    /// </summary>
    public const string AccessToken = "AccessToken";
//#if (auth != "none")

    /// <summary>The browser session cookie the backend-for-frontend login ends in.</summary>
    public const string Session = "Session";

    /// <summary>The code + PKCE login a browser is sent through to get <see cref="Session"/>.</summary>
    public const string BrowserLogin = "BrowserLogin";

    public const string SessionCookie = "__Host-session";
//#endif
//#if (auth == "embedded")

    /// <summary>The embedded authorization server's own sign-in cookie, read only by <c>/connect/authorize</c>.</summary>
    public const string Login = "AuthorizationServer.Login";

    public const string LoginCookie = "__Host-signin";
//#endif
}
