using Microsoft.AspNetCore.Authentication;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Security;

/// <summary>
/// How callers authenticate in a service created with <c>--auth none</c>: the service checks no credential itself.
/// A trusted gateway in front names the caller in a header (<c>Gateway</c> section); in Development the development
/// header works too; anyone else is anonymous. <c>dotnet new</c> keeps this file, or another mode's, and no other.
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
        var userHeader = authentication.Services.AddGatewayIdentity(configuration);
        if (userHeader is not null)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, GatewayIdentityHandler>(
                GatewayIdentityHandler.SchemeName, null);
        }

        return new SecurityFeatures(
            BearerTokens: false, EmbeddedServer: false, BrowserSession: false, DevelopmentHeader: developmentHeader,
            GatewayUserHeader: userHeader);
    }

    /// <summary>Nothing to map: there is no login or token endpoint here.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
    }

    /// <summary>The development header when present, else the gateway's scheme when gateways are configured.</summary>
    public static string SchemeFor(HttpContext context, SecurityFeatures features) =>
        features.DevelopmentHeader && context.Request.Headers.ContainsKey(DevelopmentAuthenticationHandler.UserHeader)
            ? DevelopmentAuthenticationHandler.SchemeName
            : features.GatewayIdentity ? GatewayIdentityHandler.SchemeName
            : features.DevelopmentHeader ? DevelopmentAuthenticationHandler.SchemeName
            : AnonymousOnlyAuthenticationHandler.SchemeName;

    /// <summary>
    /// A caller the gateway names must not come from another site; no token, as most callers behind a gateway are
    /// other services, with no page to read one from.
    /// </summary>
    public static CsrfCheck CsrfCheckFor(string scheme) =>
        scheme == GatewayIdentityHandler.SchemeName ? CsrfCheck.CrossSite : CsrfCheck.None;

    public static IEnumerable<PathString> CsrfExemptPaths => [];
}
