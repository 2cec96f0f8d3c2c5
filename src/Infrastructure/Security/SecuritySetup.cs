using Microsoft.AspNetCore.Authentication;
//#if (auth != "none")
using Microsoft.AspNetCore.Authentication.JwtBearer;
//#endif
using Microsoft.Extensions.Options;
//#if (auth == "embedded")
using OpenIddict.Server;
//#endif
using Template.Infrastructure.Redis;
//#if (auth == "embedded")
using Template.Infrastructure.Security.AuthorizationServer;
//#endif

namespace Template.Infrastructure.Security;

/// <summary>
/// Which parts of authentication this instance runs, decided once from configuration. <c>GatewayUserHeader</c> is
/// the header a trusted gateway names the caller in, null when no gateway is configured.
/// </summary>
public sealed record SecurityFeatures(bool BearerTokens, bool EmbeddedServer, bool BrowserSession, bool DevelopmentHeader, string? GatewayUserHeader = null)
{
    public bool GatewayIdentity => GatewayUserHeader is not null;
}

/// <summary>Wires authentication and authorization.</summary>
public static class SecuritySetup
{
    public static IServiceCollection AddServiceSecurity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, ServiceBackends backends)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ScopeCaller>();
        services.AddScoped<IRequestCaller, HttpRequestCaller>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, GateHandler>();
        services.AddGate(Gates.JobsDashboard, user => user.IsInRole(Roles.Admin));
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
                "Csrf:ExcludedPaths entries must be path prefixes such as /webhooks (starting with '/', not '/' alone).")
            .ValidateOnStart();

        services.AddOptions<DevelopmentAuthenticationOptions>()
            .Bind(configuration.GetSection(DevelopmentAuthenticationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevelopmentAuthenticationOptions>, DevelopmentAuthenticationOptionsValidator>();
        var bearer = false;
        var embedded = false;
        var browserSession = false;
        string? gatewayUserHeader = null;
//#if (auth == "none")
        // No credential is checked here: a gateway in front has checked it and names the caller.
        gatewayUserHeader = services.AddGatewayIdentity(configuration);
//#endif
//#if (auth != "none")
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var session = configuration.GetSection(BrowserSessionOptions.Section).Get<BrowserSessionOptions>() ?? new BrowserSessionOptions();
        var external = auth.Authority is not null;
        // The embedded authorization server, unless an outside authority is configured (or the service was
        // generated with --auth external, which leaves the server out).
        Uri? embeddedIssuer = null;
//#if (auth == "embedded")
        var server = configuration.GetSection(AuthorizationServerOptions.Section).Get<AuthorizationServerOptions>() ?? new AuthorizationServerOptions();
        server.FollowTheServedAddress(configuration, environment);
        embedded = !external && server.Enabled;
        embeddedIssuer = server.Issuer;
//#endif
        bearer = external || embedded;
        browserSession = bearer && session.Enabled;
//#endif
        var features = new SecurityFeatures(
            BearerTokens: bearer,
            EmbeddedServer: embedded,
            BrowserSession: browserSession,
            DevelopmentHeader: configuration.GetSection(DevelopmentAuthenticationOptions.Section).Get<DevelopmentAuthenticationOptions>()?.Enabled == true,
            GatewayUserHeader: gatewayUserHeader);
        services.AddSingleton(features);

        // One default scheme that looks at each request: a bearer token, the development header, a gateway's
        // caller header, the session cookie, in that order. Without any of them the request is anonymous and a
        // challenge answers 401.
        var authentication = services.AddAuthentication(AuthSchemes.Default);
        authentication.AddPolicyScheme(AuthSchemes.Default, null, options => options.ForwardDefaultSelector = context => SchemeFor(context, features));

//#if (auth != "none")
        if (bearer)
        {
            authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme);
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<TimeProvider>((options, clock) => BearerTokens.Configure(options, auth, clock));
        }

//#if (auth == "embedded")
        if (embedded)
        {
            services.AddOptions<AuthorizationServerOptions>()
                .Bind(configuration.GetSection(AuthorizationServerOptions.Section))
                .PostConfigure(options => options.FollowTheServedAddress(configuration, environment))
                .ValidateDataAnnotations()
                .ValidateOnStart();
            services.AddEmbeddedAuthorizationServer(server, environment, backends);
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<IOptions<OpenIddictServerOptions>>((options, openIddict) => AuthorizationServerSetup.TrustEmbeddedServer(options, openIddict.Value));
            authentication.AddSessionCookie(AuthSchemes.Login, AuthSchemes.LoginCookie, TimeSpan.FromHours(1), answerWithStatus: false);
        }

//#endif
        if (features.BrowserSession)
        {
            services.AddOptions<BrowserSessionOptions>()
                .Bind(configuration.GetSection(BrowserSessionOptions.Section))
                .ValidateDataAnnotations()
                .Validate(s => !string.IsNullOrEmpty(s.ClientSecret),
                    "BrowserSession:ClientSecret is required while BrowserSession:Enabled is true and tokens are accepted.")
                .Validate(s => !environment.IsProduction() || !DevelopmentSecrets.Contains(s.ClientSecret ?? ""),
                    "BrowserSession:ClientSecret is the development default; configure the real secret for Production.")
                .ValidateOnStart();
            authentication.AddSessionCookie(AuthSchemes.Session, AuthSchemes.SessionCookie, session.Lifetime, answerWithStatus: true);
            authentication.AddBrowserLogin(session, external ? auth.Authority! : embeddedIssuer ?? new Uri("https://localhost/"),
                requireHttpsMetadata: external ? auth.RequireHttpsMetadata : embeddedIssuer?.Scheme != Uri.UriSchemeHttp);
        }

//#endif
//#if (auth == "none")
        if (features.GatewayIdentity)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, GatewayIdentityHandler>(GatewayIdentityHandler.SchemeName, null);
        }

//#endif
        if (features.DevelopmentHeader)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(DevelopmentAuthenticationHandler.SchemeName, null);
        }

        if (!bearer && !features.DevelopmentHeader && !features.GatewayIdentity)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, AnonymousOnlyAuthenticationHandler>(AnonymousOnlyAuthenticationHandler.SchemeName, null);
        }

        services.AddAuthorization();
        return services;
    }

//#if (auth != "none")
    /// <summary>Maps the embedded server's endpoints, the login page and the browser session endpoints that are on.</summary>
    public static void MapAuthentication(this IEndpointRouteBuilder app)
    {
        var features = app.ServiceProvider.GetRequiredService<SecurityFeatures>();
//#if (auth == "embedded")
        if (features.EmbeddedServer)
        {
            app.MapAuthorizationServer();
        }

//#endif
        if (features.BrowserSession)
        {
            app.MapBrowserSession();
        }
    }

//#endif
    /// <summary>The scheme that authenticates <paramref name="context"/>; the CSRF step asks it whether that is the session cookie.</summary>
    internal static string SchemeFor(HttpContext context, SecurityFeatures features)
    {
//#if (auth != "none")
        if (features.BearerTokens && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

//#endif
        if (features.DevelopmentHeader && context.Request.Headers.ContainsKey(DevelopmentAuthenticationHandler.UserHeader))
        {
            return DevelopmentAuthenticationHandler.SchemeName;
        }

//#if (auth == "none")
        if (features.GatewayIdentity && context.Request.Headers.ContainsKey(features.GatewayUserHeader!))
        {
            return GatewayIdentityHandler.SchemeName;
        }

//#endif
//#if (auth != "none")
        if (features.BrowserSession && context.Request.Cookies.ContainsKey(HostPrefixCookieManager.NameFor(context, AuthSchemes.SessionCookie)))
        {
            return AuthSchemes.Session;
        }

        if (features.BearerTokens)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

//#endif
//#if (auth == "none")
        if (features.GatewayIdentity)
        {
            return GatewayIdentityHandler.SchemeName;
        }

//#endif
        return features.DevelopmentHeader ? DevelopmentAuthenticationHandler.SchemeName : AnonymousOnlyAuthenticationHandler.SchemeName;
    }
}
