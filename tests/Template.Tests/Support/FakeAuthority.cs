using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Template.Tests.Support;

/// <summary>
/// An OpenID provider on a loopback port serving a discovery document and a JWKS, and minting access tokens,
/// so the resource server can be tested against real key discovery, rotation and signatures.
/// </summary>
public sealed class FakeAuthority : IAsyncDisposable
{
    private readonly List<RsaSecurityKey> published = [];
    private WebApplication app = null!;

    public string Address { get; private set; } = "";

    public RsaSecurityKey CurrentKey { get; private set; } = NewKey();

    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    /// <summary>Settings under which a service host accepts this authority's tokens for <paramref name="audience"/>.</summary>
    public Dictionary<string, string?> TrustedFor(string audience) => new()
    {
        ["Auth:Authority"] = Address,
        ["Auth:Audience"] = audience,
        ["Auth:RequireHttpsMetadata"] = "false",
    };

    public static async Task<FakeAuthority> StartAsync()
    {
        var authority = new FakeAuthority();
        authority.published.Add(authority.CurrentKey);
        (authority.app, authority.Address) = await Loopback.StartAppAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
            {
                ["issuer"] = authority.Address,
                ["jwks_uri"] = $"{authority.Address}/jwks",
            }));
            app.MapGet("/jwks", () =>
            {
                List<JsonWebKey> keys;
                lock (authority.published)
                {
                    keys = [.. authority.published.Select(k => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(k.Rsa.ExportParameters(false)) { KeyId = k.KeyId }))];
                }

                return Results.Text(JsonSerializer.Serialize(new { keys = keys.Select(k => new { kty = k.Kty, kid = k.Kid, n = k.N, e = k.E, use = "sig", alg = "RS256" }) }), "application/json");
            });
        });
        return authority;
    }

    /// <summary>Publishes a new key and signs with it from now on; the old key stays published.</summary>
    public void RotateKey()
    {
        CurrentKey = NewKey();
        lock (published)
        {
            published.Add(CurrentKey);
        }
    }

    public string Issue(
        string subject,
        string audience,
        string[]? roles = null,
        string? issuer = null,
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        string tokenType = "at+jwt",
        DateTime? notBefore = null,
        DateTime? expires = null,
        IDictionary<string, object>? extraHeaders = null,
        string? scope = null)
    {
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(5);
        var nbf = notBefore ?? (exp < now ? exp.AddMinutes(-5) : now);
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (roles is { Length: > 0 })
        {
            claims["role"] = roles;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Address,
            Audience = audience,
            Claims = claims,
            IssuedAt = nbf,
            NotBefore = nbf,
            Expires = exp,
            TokenType = tokenType,
            SigningCredentials = new SigningCredentials(key ?? CurrentKey, algorithm),
            AdditionalHeaderClaims = extraHeaders,
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public string IssueUnsigned(string subject, string audience)
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"sub\":\"{subject}\",\"aud\":\"{audience}\",\"iss\":\"{Address}\",\"exp\":{exp}}}");
        return $"{header}.{payload}.";
    }

    /// <summary>Replaces the payload of a signed token, keeping its header and signature.</summary>
    public static string Tamper(string token, string newSubject)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var node = System.Text.Json.Nodes.JsonNode.Parse(payload)!.AsObject();
        node["sub"] = newSubject;
        return $"{parts[0]}.{Base64UrlEncoder.Encode(node.ToJsonString())}.{parts[2]}";
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
