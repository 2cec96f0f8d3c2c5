using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Template.Infrastructure.Security;

/// <summary>
/// Browser login for a single-page app served with the API (<c>BrowserSession</c> section): <c>/auth/login</c>
/// runs the authorization code flow with PKCE against the configured authority as a confidential client and
/// ends in an HttpOnly session cookie; the tokens stay on the server.
/// </summary>
public sealed class BrowserSessionOptions
{
    public const string Section = "BrowserSession";

    /// <summary>Off unless switched on: it needs a client registered with the authority and its secret.</summary>
    public bool Enabled { get; set; }

    public string ClientId { get; set; } = "browser-session";

    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for beside <c>openid profile roles</c>.</summary>
    public IList<string> Scopes { get; } = [];

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>The schemes of a service that accepts access tokens and keeps a browser session.</summary>
public static partial class AuthSchemes
{
    /// <summary>The browser session cookie the backend-for-frontend login ends in.</summary>
    public const string Session = "Session";

    /// <summary>The code + PKCE login a browser is sent through to get <see cref="Session"/>.</summary>
    public const string BrowserLogin = "BrowserLogin";

    public const string SessionCookie = "__Host-session";
}

[OptionsValidator]
internal sealed partial class BrowserSessionValidator : IValidateOptions<BrowserSessionOptions>;

internal static class BrowserSessionSetup
{
    private static readonly string[] LoginScopes = ["openid", "profile", "roles"];

    /// <summary>
    /// The browser session (<c>BrowserSession</c> section), when it is enabled: its cookie and the code + PKCE login
    /// against <paramref name="authority"/>. Returns whether it is on.
    /// </summary>
    public static bool AddBrowserSession(
        this AuthenticationBuilder authentication,
        IConfiguration configuration,
        IHostEnvironment environment,
        Uri authority,
        bool requireHttpsMetadata)
    {
        var session = configuration.ReadSettings<BrowserSessionOptions, BrowserSessionValidator>(
            BrowserSessionOptions.Section);
        if (!session.Enabled)
        {
            return false;
        }

        authentication.Services.AddSettings<BrowserSessionOptions, BrowserSessionValidator>(
            BrowserSessionOptions.Section)
            .Validate(s => !string.IsNullOrEmpty(s.ClientSecret),
                "BrowserSession:ClientSecret is required while BrowserSession:Enabled is true and tokens are accepted.")
            .Validate(s => !environment.IsProduction() || !DevelopmentSecrets.Contains(s.ClientSecret ?? ""),
                "BrowserSession:ClientSecret is the development default; configure the real secret for Production.");
        authentication.AddSessionCookie(
            AuthSchemes.Session, AuthSchemes.SessionCookie, session.Lifetime, answerWithStatus: true);
        authentication.AddBrowserLogin(session, authority, requireHttpsMetadata);
        return true;
    }

    /// <summary>
    /// The scheme of the credential a request carries, in a service that accepts access tokens: a bearer token, the
    /// development header, the session cookie. Without any, the bearer scheme, whose challenge answers 401.
    /// </summary>
    public static string SchemeFor(HttpContext context, SecurityFeatures features)
    {
        var request = context.Request;
        if (features.BearerTokens
            && request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        if (features.DevelopmentHeader && request.Headers.ContainsKey(DevelopmentAuthenticationHandler.UserHeader))
        {
            return DevelopmentAuthenticationHandler.SchemeName;
        }

        if (features.BrowserSession
            && request.Cookies.ContainsKey(HostPrefixCookieManager.NameFor(context, AuthSchemes.SessionCookie)))
        {
            return AuthSchemes.Session;
        }

        return features.BearerTokens ? JwtBearerDefaults.AuthenticationScheme
            : features.DevelopmentHeader ? DevelopmentAuthenticationHandler.SchemeName
            : AnonymousOnlyAuthenticationHandler.SchemeName;
    }

    /// <summary>
    /// What the CSRF step asks of a state-changing request: a browser adds the session cookie by itself, so a
    /// request it authenticates must come from the site and carry the token. Header credentials need neither.
    /// </summary>
    public static CsrfCheck CsrfCheckFor(string scheme) =>
        scheme == AuthSchemes.Session ? CsrfCheck.CrossSiteAndToken : CsrfCheck.None;

    public static void AddSessionCookie(
        this AuthenticationBuilder authentication,
        string scheme,
        string cookieName,
        TimeSpan lifetime,
        bool answerWithStatus,
        string? loginPath = null)
    {
        authentication.AddCookie(scheme, cookie =>
        {
            cookie.Cookie.Name = cookieName;
            cookie.Cookie.HttpOnly = true;
            // Lax: sent on the top-level navigation back from the login, not on cross-site posts or fetches.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.CookieManager = new HostPrefixCookieManager();
            cookie.ExpireTimeSpan = lifetime;
            cookie.SlidingExpiration = true;
            if (loginPath is not null)
            {
                cookie.LoginPath = loginPath;
            }

            if (answerWithStatus)
            {
                // An API answers 401/403 (problem+json); it does not redirect a fetch to a login page.
                cookie.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            }
        });
    }

    public static void AddBrowserLogin(
        this AuthenticationBuilder authentication, BrowserSessionOptions session, Uri authority,
        bool requireHttpsMetadata)
    {
        authentication.AddOpenIdConnect(AuthSchemes.BrowserLogin, oidc =>
        {
            oidc.Authority = authority.AbsoluteUri;
            oidc.RequireHttpsMetadata = requireHttpsMetadata;
            oidc.ClientId = session.ClientId;
            oidc.ClientSecret = session.ClientSecret;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            // The code comes back in the query of a top-level GET, so SameSite=Lax cookies survive the round trip.
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.UsePkce = true;
            oidc.CallbackPath = "/auth/callback";
            oidc.SignedOutCallbackPath = "/auth/signed-out";
            oidc.SignInScheme = AuthSchemes.Session;
            oidc.SignOutScheme = AuthSchemes.Session;
            oidc.SaveTokens = true;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in LoginScopes.Concat(session.Scopes))
            {
                oidc.Scope.Add(scope);
            }

            oidc.TokenValidationParameters.NameClaimType = "name";
            oidc.TokenValidationParameters.RoleClaimType = "role";
            oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
    }

    public static void MapBrowserSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/login", (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = LocalUrls.IsLocal(
                returnUrl) ? returnUrl : "/" }, [AuthSchemes.BrowserLogin]))
            .ExcludeFromDescription();
        app.MapPost("/auth/logout", () => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" }, [AuthSchemes.Session, AuthSchemes.BrowserLogin]))
            .ExcludeFromDescription();
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
