using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Security;

/// <summary>
/// Which parts of authentication this instance runs, decided once from configuration. <c>GatewayUserHeader</c> is
/// the header a trusted gateway names the caller in, null when no gateway is configured.
/// </summary>
public sealed record SecurityFeatures(
    bool BearerTokens,
    bool EmbeddedServer,
    bool BrowserSession,
    bool DevelopmentHeader,
    string? GatewayUserHeader = null)
{
    public bool GatewayIdentity => GatewayUserHeader is not null;

    /// <summary>
    /// Whether <paramref name="request"/> carries anything one of this instance's schemes reads (a bearer token, the
    /// session cookie, the development or gateway header); without it, authenticating can only find nobody.
    /// </summary>
    public bool CarriesCredential(HttpRequest request) =>
        (BearerTokens && request.Headers.Authorization.Count > 0)
        || (BrowserSession && request.Headers.Cookie.Count > 0)
        || (DevelopmentHeader && request.Headers.ContainsKey(DevelopmentAuthenticationHandler.UserHeader))
        || (GatewayUserHeader is not null && request.Headers.ContainsKey(GatewayUserHeader));
}

/// <summary>
/// Wires authentication and authorization: what every service has (the caller, gates, CSRF, the development header)
/// here, and how callers authenticate in the <see cref="AuthenticationMode"/> file <c>--auth</c> chose.
/// </summary>
public static class SecuritySetup
{
    public static IServiceCollection AddServiceSecurity(
        this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment,
        ServiceBackends backends)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ScopeCaller>();
        services.AddScoped<IRequestCaller, HttpRequestCaller>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, GateHandler>();
        services.AddGate(JobsSetup.DashboardGate, user => user.IsInRole(Roles.Admin));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            antiforgery.HeaderName = CsrfOptions.TokenHeader;
            antiforgery.FormFieldName = CsrfOptions.TokenField;
            // The security headers already forbid framing, more strictly.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddOptions<CsrfOptions>()
            .Bind(configuration.GetSection(CsrfOptions.Section))
            .Validate(c => c.ExcludedPaths.TrueForAll(p => p.StartsWith('/') && p.Length > 1),
                "Csrf:ExcludedPaths entries must be path prefixes such as /webhooks "
                + "(starting with '/', not '/' alone).")
            .ValidateOnStart();

        services.AddOptions<DevelopmentAuthenticationOptions>()
            .Bind(configuration.GetSection(DevelopmentAuthenticationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<
            IValidateOptions<DevelopmentAuthenticationOptions>, DevelopmentAuthenticationOptionsValidator>();
        var developmentHeader = configuration.ReadSettings(
            DevelopmentAuthenticationOptions.Section,
            new DevelopmentAuthenticationOptionsValidator(environment)).Enabled;

        // One default scheme that looks at each request and forwards to the scheme of the credential it carries
        // (AuthenticationMode.SchemeFor). Without any, the request is anonymous and a challenge answers 401.
        var authentication = services.AddAuthentication(AuthSchemes.Default);
        var features = AuthenticationMode.Add(authentication, configuration, environment, backends, developmentHeader);
        services.AddSingleton(features);
        authentication.AddPolicyScheme(AuthSchemes.Default, null, options =>
            options.ForwardDefaultSelector = context => AuthenticationMode.SchemeFor(context, features));
        if (features.DevelopmentHeader)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(
                DevelopmentAuthenticationHandler.SchemeName, null);
        }

        if (!features.BearerTokens && !features.DevelopmentHeader && !features.GatewayIdentity)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, AnonymousOnlyAuthenticationHandler>(
                AnonymousOnlyAuthenticationHandler.SchemeName, null);
        }

        services.AddAuthorization();
        return services;
    }

    /// <summary>The endpoints of the authentication mode: the embedded server's, the browser session's.</summary>
    public static void MapAuthentication(this IEndpointRouteBuilder app) => AuthenticationMode.Map(app);
}
