using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Security.AuthorizationServer;

namespace Template.Infrastructure.Security;

/// <summary>
/// How callers authenticate in a service created with <c>--auth embedded</c>: the service is its own OAuth 2.0 and
/// OpenID Connect server. It accepts the access tokens it issued, its browser session cookie when that is on, and
/// in Development the development header. <c>dotnet new</c> keeps this file, or another mode's, and no other.
/// </summary>
internal static class AuthenticationMode
{
    public static SecurityFeatures Add(
        AuthenticationBuilder authentication,
        IConfiguration configuration,
        IHostEnvironment environment,
        ServiceBackends backends,
        bool developmentHeader)
    {
        var services = authentication.Services;
        services.AddAuthOptions().Validate(
            auth => auth.Authority is null,
            "Auth:Authority names an outside issuer, but this service is its own authorization server "
            + "(created with --auth embedded): remove Auth:Authority, or create the service with --auth external.");
        var server = configuration.ReadSettings<AuthorizationServerOptions, AuthorizationServerValidator>(
            AuthorizationServerOptions.Section, options => options.FollowTheServedAddress(configuration, environment));
        services.AddSettings<AuthorizationServerOptions, AuthorizationServerValidator>(
            AuthorizationServerOptions.Section)
            .PostConfigure(options => options.FollowTheServedAddress(configuration, environment));
        services.AddEmbeddedAuthorizationServer(server, configuration, environment);

        authentication.AddBearerTokens()
            .Configure<IOptions<OpenIddictServerOptions>>((bearer, openIddict) =>
                AuthorizationServerSetup.TrustEmbeddedServer(bearer, openIddict.Value));
        authentication.AddSessionCookie(
            AuthSchemes.Login, AuthSchemes.LoginCookie, TimeSpan.FromHours(1), answerWithStatus: false,
            loginPath: AuthorizationEndpoints.Login);
        var issuer = server.Issuer ?? new Uri("https://localhost/");
        var browserSession = authentication.AddBrowserSession(
            configuration, environment, issuer, requireHttpsMetadata: issuer.Scheme != Uri.UriSchemeHttp);
        return new SecurityFeatures(
            BearerTokens: true, EmbeddedServer: true, BrowserSession: browserSession,
            DevelopmentHeader: developmentHeader);
    }

    /// <summary>The server's endpoints and login page, and the browser session's when it is on.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapAuthorizationServer();
        if (app.ServiceProvider.GetRequiredService<SecurityFeatures>().BrowserSession)
        {
            app.MapBrowserSession();
        }
    }

    public static string SchemeFor(HttpContext context, SecurityFeatures features) =>
        BrowserSessionSetup.SchemeFor(context, features);

    public static CsrfCheck CsrfCheckFor(string scheme) => BrowserSessionSetup.CsrfCheckFor(scheme);

    /// <summary>
    /// The protocol endpoints (<c>/connect/*</c>) are meant to be reached from other sites, and the OAuth protocol
    /// (client authentication, PKCE, <c>state</c>) protects them.
    /// </summary>
    public static IEnumerable<PathString> CsrfExemptPaths => [AuthorizationEndpoints.ProtocolPrefix];
}

/// <summary>The embedded server's own sign-in, read only by <c>/connect/authorize</c>.</summary>
public static partial class AuthSchemes
{
    public const string Login = "AuthorizationServer.Login";

    public const string LoginCookie = "__Host-signin";
}
