using Microsoft.AspNetCore.Authentication;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Security;

/// <summary>
/// How callers authenticate in a service created with <c>--auth external</c>: access tokens from the provider named
/// by <c>Auth:Authority</c> (none accepted until it is set), a browser session against that provider when it is on,
/// and in Development the development header. <c>dotnet new</c> keeps this file, or another mode's, and no other.
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
        services.AddAuthOptions();
        var auth = configuration.ReadSettings<AuthOptions, AuthValidator>(AuthOptions.Section);
        if (auth.Authority is null)
        {
            return new SecurityFeatures(
                BearerTokens: false, EmbeddedServer: false, BrowserSession: false,
                DevelopmentHeader: developmentHeader);
        }

        authentication.AddBearerTokens();
        var browserSession = authentication.AddBrowserSession(
            configuration, environment, auth.Authority, auth.RequireHttpsMetadata);
        return new SecurityFeatures(
            BearerTokens: true, EmbeddedServer: false, BrowserSession: browserSession,
            DevelopmentHeader: developmentHeader);
    }

    /// <summary>The browser session's endpoints when it is on; the provider has the rest.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<SecurityFeatures>().BrowserSession)
        {
            app.MapBrowserSession();
        }
    }

    public static string SchemeFor(HttpContext context, SecurityFeatures features) =>
        BrowserSessionSetup.SchemeFor(context, features);

    public static CsrfCheck CsrfCheckFor(string scheme) => BrowserSessionSetup.CsrfCheckFor(scheme);

    public static IEnumerable<PathString> CsrfExemptPaths => [];
}
