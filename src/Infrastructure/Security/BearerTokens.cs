using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Template.Infrastructure.Security;

/// <summary>
/// The service as an OAuth 2.0 resource server (<c>Auth</c> section): access tokens from <see cref="Authority"/>,
/// whose discovery document and JWKS give the issuer and the signing keys, refreshed when keys rotate.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>The token issuer, e.g. <c>https://login.example.com/realms/acme</c>. Empty: no bearer tokens
    /// accepted.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (<c>aud</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>Tolerance for clock differences on <c>exp</c> and <c>nbf</c>; at most 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Signature algorithms accepted; <c>none</c> and HMAC never are.</summary>
    public IList<string> Algorithms { get; } = [];

    /// <summary>Accepted <c>typ</c> headers; RFC 9068 access tokens are <c>at+jwt</c>, which keeps ID tokens
    /// out.</summary>
    public IList<string> TokenTypes { get; } = [];

    /// <summary>Whether the discovery document must be fetched over HTTPS. Only a loopback authority may turn it
    /// off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Shortest time between two fetches of the discovery document when an unknown key id is seen.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a validated access token is remembered, so its signature is not checked again on every request
    /// (never past its expiry; revocation is still checked every time). <c>00:00:00</c> turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ValidatedTokenCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many validated tokens are remembered.</summary>
    [Range(1, 1_000_000)]
    public int ValidatedTokenCacheSize { get; set; } = 10_000;

    public IReadOnlyList<string> EffectiveAlgorithms => Algorithms.Count > 0
        ? [.. Algorithms]
        : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>The audience the embedded server issues tokens for when <see cref="Audience"/> is not set.</summary>
    public const string DefaultAudience = "api";

    public string EffectiveAudience => string.IsNullOrWhiteSpace(Audience) ? DefaultAudience : Audience;

    public IReadOnlyList<string> EffectiveTokenTypes => TokenTypes.Count > 0 ? [.. TokenTypes] : ["at+jwt"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is null)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult(
                "Auth:Audience is required when Auth:Authority is set.", [nameof(Audience)]);
        }

        if (EffectiveAlgorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
            || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            yield return new ValidationResult(
                "Auth:Algorithms may not include none or HMAC algorithms.", [nameof(Algorithms)]);
        }

        if (!RequireHttpsMetadata && !Authority.IsLoopback)
        {
            yield return new ValidationResult(
                "Auth:RequireHttpsMetadata may be false only for a loopback Auth:Authority.",
                [nameof(RequireHttpsMetadata)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class AuthValidator : IValidateOptions<AuthOptions>;

internal static class BearerTokens
{
    /// <summary>The <c>Auth</c> section, validated at start-up.</summary>
    public static OptionsBuilder<AuthOptions> AddAuthOptions(this IServiceCollection services) =>
        services.AddSettings<AuthOptions, AuthValidator>(AuthOptions.Section);

    /// <summary>The JWT bearer scheme, hardened as <see cref="Configure"/> says, with the <c>Auth</c>
    /// settings.</summary>
    public static OptionsBuilder<JwtBearerOptions> AddBearerTokens(this AuthenticationBuilder authentication)
    {
        authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme);
        return authentication.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TimeProvider>(
                (bearer, auth, clock) => Configure(bearer, auth.Value, clock));
    }

    public static void Configure(JwtBearerOptions bearer, AuthOptions auth, TimeProvider clock)
    {
        bearer.TokenHandlers.Clear();
        bearer.TokenHandlers.Add(new ValidatedTokenCache(
            clock, auth.ValidatedTokenCacheDuration, auth.ValidatedTokenCacheSize));
        // Without an authority the embedded server's keys and issuer are filled in (AuthorizationServerSetup).
        bearer.Authority = auth.Authority?.ToString();
        bearer.Audience = auth.EffectiveAudience;
        bearer.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        bearer.RefreshInterval = auth.MetadataRefreshInterval;
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = auth.EffectiveAudience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = auth.ClockSkew,
            ValidAlgorithms = auth.EffectiveAlgorithms,
            ValidTypes = auth.EffectiveTokenTypes,
            NameClaimType = "sub",
            RoleClaimType = "role",
            AuthenticationType = AuthSchemes.AccessToken,
            // Keys come only from the authority's JWKS: jku, x5u and embedded jwk headers are never followed.
            TryAllIssuerSigningKeys = false,
        };
    }
}
