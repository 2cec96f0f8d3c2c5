using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.EntityFrameworkCore.Models;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Wires the embedded OpenIddict server: endpoints under <c>/connect</c>, the client credentials, authorization code
/// (PKCE S256 only) and rotating refresh token grants, its records in the service's database (OpenIddict's EF Core
/// stores, <see cref="AuthorizationServerDb"/>), and its signing keys.
/// Access tokens are signed JWTs the service's own JWT bearer handler validates; codes and refresh tokens are
/// protected with the shared Data Protection key ring, so any instance can redeem what another issued.
/// </summary>
public static class AuthorizationServerSetup
{
    public static readonly string[] IdentityScopes =
        [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess];

    internal static void AddEmbeddedAuthorizationServer(
        this IServiceCollection services, AuthorizationServerOptions options, IConfiguration configuration,
        IHostEnvironment environment)
    {
        services.AddSingleton<IValidateOptions<AuthorizationServerOptions>, AuthorizationServerProductionCheck>();
        services.AddSingleton<TokenStatusCache>();
        services.AddSingleton<TokenChangeInterceptor>();
        // Migrated before the clients are registered (the next hosted service).
        services.AddDatabase<AuthorizationServerDb, SqliteAuthorizationServerDb, PostgresAuthorizationServerDb>(
            configuration, environment, AuthorizationServerDb.HistoryTable,
            (provider, db) => db.AddInterceptors(provider.GetRequiredService<TokenChangeInterceptor>()));
        services.AddSingleton<IUserDirectory, ConfiguredUserDirectory>();
        services.AddHostedService<OAuthClientRegistration>();
        services.AddGate(OAuthGates.PruneTokens, user => user.IsInRole(Roles.Admin));
        services.AddRecurringJob("oauth-prune", Hangfire.Cron.Hourly(), new PruneAuthorizationRecordsCommand());
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1",
            openApi => openApi.AddDocumentTransformer<AuthorizationServerOpenApi>());
        services.AddSingleton<IConfigureOptions<Scalar.AspNetCore.ScalarOptions>, ApiReferenceSignIn>();

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<AuthorizationServerDb>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, LoopbackRedirects>();
            })
            .AddServer(server =>
            {
                if (options.Issuer is { IsAbsoluteUri: true } issuer)
                {
                    server.SetIssuer(issuer);
                }

                server.SetAuthorizationEndpointUris(AuthorizationEndpoints.Authorize)
                    .SetTokenEndpointUris(AuthorizationEndpoints.Token)
                    .SetRevocationEndpointUris(AuthorizationEndpoints.Revoke)
                    .SetUserInfoEndpointUris(AuthorizationEndpoints.UserInfo)
                    .SetEndSessionEndpointUris(AuthorizationEndpoints.Logout);
                server.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.Configure(o =>
                {
                    // S256 only: "plain" would hand the verifier to whoever sees the authorization request.
                    o.CodeChallengeMethods.Clear();
                    o.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                    // Advertised is what AuthorizeAsync honours: none (login_required when signed out) and login
                    // (the password again); consent and select_account are not.
                    o.PromptValues.Clear();
                    o.PromptValues.Add(PromptValues.None);
                    o.PromptValues.Add(PromptValues.Login);
                });

                // A redeemed refresh token presented again is reuse, not a retry: it revokes the whole grant.
                server.SetRefreshTokenReuseLeeway(null);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(options.AuthorizationCodeLifetime);
                server.RegisterScopes(
                    [.. IdentityScopes, .. options.Clients.SelectMany(c => c.Scopes).Distinct(StringComparer.Ordinal)]);
                server.RegisterClaims(
                    Claims.Subject, Claims.Name, Claims.Email, Claims.Role, Claims.AuthenticationTime);
                server.AddEventHandler(DiscoveryFromIssuer.Descriptor);
                server.AddEventHandler(RefreshTokenRedemption.Descriptor);

                if (!string.IsNullOrWhiteSpace(options.SigningCertificatePath))
                {
                    server.AddSigningCertificate(X509CertificateLoader.LoadPkcs12FromFile(
                        options.SigningCertificatePath, options.SigningCertificatePassword,
                        X509KeyStorageFlags.EphemeralKeySet));
                }
                else if (!environment.IsProduction())
                {
                    // Kept in the user's certificate store, so every instance on this machine signs with the same key.
                    server.AddDevelopmentSigningCertificate();
                }

                // Required by OpenIddict, but unused: access tokens are signed (not encrypted) JWTs, and codes and
                // refresh tokens are protected by Data Protection. A random AES key costs nothing to make, where the
                // ephemeral RSA key OpenIddict would generate takes 0.1 to 0.4 s of every start.
                server.AddEncryptionKey(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(
                    System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                server.DisableAccessTokenEncryption();
                server.UseDataProtection().PreferDefaultAccessTokenFormat();

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // Errors that cannot go back to the client (bad redirect address, missing PKCE) are answered by
                    // AuthorizationServerEndpoints as problem+json instead of OpenIddict's plain-text page.
                    .EnableErrorPassthrough();
                if (options.Issuer is { IsAbsoluteUri: true, Scheme: "http" })
                {
                    // Allowed only for a loopback issuer (AuthorizationServerOptions checks it).
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        // After OpenIddict has registered its scheme: its handler, consulted only about the server's own paths.
        services.TryAddScoped<OpenIddictServerAspNetCoreHandler>();
        services.PostConfigure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(authentication =>
            authentication.SchemeMap[OpenIddictServerAspNetCoreDefaults.AuthenticationScheme].HandlerType =
                typeof(EmbeddedServerRequestHandler));
    }

    /// <summary>Validates the embedded server's access tokens with the hardened JWT bearer handler, against its own
    /// keys and issuer.</summary>
    internal static void TrustEmbeddedServer(JwtBearerOptions bearer, OpenIddictServerOptions server)
    {
        var keys = server.SigningCredentials.Select(c => c.Key).ToList();
        var configuration = new OpenIdConnectConfiguration { Issuer = server.Issuer!.AbsoluteUri };
        foreach (var key in keys)
        {
            configuration.SigningKeys.Add(key);
        }

        bearer.Configuration = configuration;
        bearer.TokenValidationParameters.ValidIssuer = configuration.Issuer;
        bearer.TokenValidationParameters.IssuerSigningKeys = keys;
        bearer.Events ??= new JwtBearerEvents();
        bearer.Events.OnTokenValidated = RejectRevokedAsync;
        bearer.Events.OnChallenge = context =>
        {
            // The revocation check could not reach the token store (Redis down): that is 503 with Retry-After from
            // the exception handler, not a 401 that would make clients throw away a good token.
            if (context.AuthenticateFailure is { } failure
                && Errors.ProblemExceptionHandler.IsBackendUnavailable(failure))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return Task.CompletedTask;
        };
    }

    // Access tokens are self-contained, but each has an entry in the token store; a token revoked at /connect/revoke,
    // or by a replayed authorization code, stops working at once instead of at its expiry. Its status is remembered
    // until the tokens change (TokenStatusCache): reading it cost every request with a token about 0.4 ms on SQLite.
    private static async Task RejectRevokedAsync(TokenValidatedContext context)
    {
        var id = context.Principal?.FindFirst(Claims.Private.TokenId)?.Value;
        var services = context.HttpContext.RequestServices;
        if (id is null || !await services.GetRequiredService<TokenStatusCache>().IsValidAsync(
                id, services, context.HttpContext.RequestAborted))
        {
            context.Fail("The access token was revoked.");
        }
    }
}

/// <summary>The paths of the embedded server and its login page.</summary>
public static class AuthorizationEndpoints
{
    /// <summary>Where the protocol endpoints live; exempt from the CSRF check (see <see
    /// cref="CsrfOptions"/>).</summary>
    public const string ProtocolPrefix = "/connect";
    public const string Authorize = "connect/authorize";
    public const string Token = "connect/token";
    public const string Revoke = "connect/revoke";
    public const string UserInfo = "connect/userinfo";
    public const string Logout = "connect/logout";
    public const string Login = "/account/login";
}

public static class OAuthGates
{
    /// <summary>Remove finished tokens and authorizations (the hourly job).</summary>
    public const string PruneTokens = "oauth.prune";
}

/// <summary>
/// Brings the clients in the database in line with <c>AuthorizationServer:Clients</c> when an instance starts: a
/// configured client is created or updated, so a changed secret or redirect address takes effect on the next
/// start. Instances starting together may both try to create a client; the one that loses updates it instead.
/// </summary>
internal sealed class OAuthClientRegistration(IServiceScopeFactory scopes, IOptions<AuthorizationServerOptions> options)
    : IHostedService
{
    private const int Attempts = 3;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            var descriptor = Describe(client, options.Value.Issuer);
            for (var attempt = 1; ; attempt++)
            {
                // A scope per attempt: a failed save leaves its context unusable.
                await using var scope = scopes.CreateAsyncScope();
                var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                try
                {
                    if (await manager.FindByClientIdAsync(client.ClientId, cancellationToken) is { } stored)
                    {
                        await manager.UpdateAsync(stored, descriptor, cancellationToken);
                    }
                    else
                    {
                        await manager.CreateAsync(descriptor, cancellationToken);
                    }

                    break;
                }
                catch (Exception e) when (attempt < Attempts
                    && e is DbUpdateException or OpenIddictExceptions.ConcurrencyException)
                {
                    // Another instance created or changed it meanwhile: read it again.
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static OpenIddictApplicationDescriptor Describe(OAuthClientOptions client, Uri? issuer)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = string.IsNullOrEmpty(client.ClientSecret) ? null : client.ClientSecret,
            ClientType = string.IsNullOrEmpty(client.ClientSecret) ? ClientTypes.Public : ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = client.DisplayName ?? client.ClientId,
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation]);
        if (client.Grants.Contains(GrantTypes.ClientCredentials, StringComparer.Ordinal))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        if (client.Grants.Contains(GrantTypes.AuthorizationCode, StringComparer.Ordinal))
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Email,
                Permissions.Scopes.Roles]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        if (client.Grants.Contains(GrantTypes.RefreshToken, StringComparer.Ordinal))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        }

        descriptor.Permissions.UnionWith(client.Scopes.Select(s => Permissions.Prefixes.Scope + s));
        descriptor.RedirectUris.UnionWith(client.RedirectUris.Select(
            u => AuthorizationServerOptions.Resolve(u, issuer)));
        descriptor.PostLogoutRedirectUris.UnionWith(client.PostLogoutRedirectUris.Select(
            u => AuthorizationServerOptions.Resolve(u, issuer)));
        return descriptor;
    }
}
