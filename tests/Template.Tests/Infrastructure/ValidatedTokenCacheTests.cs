using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Template.Infrastructure.Security;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The bearer handler remembers tokens that validated. Each test proves a hit by validating again against a key
/// that would refuse the token, so an answer from memory and a fresh validation tell themselves apart.
/// </summary>
public sealed class ValidatedTokenCacheTests : IDisposable
{
    private readonly RSA signing = RSA.Create(2048);
    private readonly RSA other = RSA.Create(2048);
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        signing.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task A_validated_token_is_remembered_for_the_configured_time_only()
    {
        var cache = new ValidatedTokenCache(clock, TimeSpan.FromMinutes(5), capacity: 100);
        var token = Token(TimeSpan.FromMinutes(15));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(signing))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(other))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(other))).IsValid);
    }

    [Fact]
    public async Task A_remembered_token_is_never_served_past_its_own_expiry()
    {
        var cache = new ValidatedTokenCache(clock, TimeSpan.FromMinutes(5), capacity: 100);
        var token = Token(TimeSpan.FromMinutes(2));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(signing))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(other))).IsValid);
    }

    [Fact]
    public async Task Each_request_gets_its_own_identity()
    {
        var cache = new ValidatedTokenCache(clock, TimeSpan.FromMinutes(5), capacity: 100);
        var token = Token(TimeSpan.FromMinutes(15));
        var first = await cache.ValidateTokenAsync(token, Parameters(signing));
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));

        var second = await cache.ValidateTokenAsync(token, Parameters(other));
        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("alice", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("role"));
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered_and_nothing_is_when_turned_off()
    {
        var cache = new ValidatedTokenCache(clock, TimeSpan.FromMinutes(5), capacity: 100);
        var refused = Token(TimeSpan.FromMinutes(15));
        Assert.False((await cache.ValidateTokenAsync(refused, Parameters(other))).IsValid);
        Assert.False((await cache.ValidateTokenAsync(refused, Parameters(other))).IsValid);

        var off = new ValidatedTokenCache(clock, TimeSpan.Zero, capacity: 100);
        var token = Token(TimeSpan.FromMinutes(15));
        Assert.True((await off.ValidateTokenAsync(token, Parameters(signing))).IsValid);
        Assert.False((await off.ValidateTokenAsync(token, Parameters(other))).IsValid);
    }

    [Fact]
    public async Task When_full_expired_tokens_make_room_and_otherwise_new_ones_are_validated_every_time()
    {
        var cache = new ValidatedTokenCache(clock, TimeSpan.FromMinutes(5), capacity: 1);
        var (first, second) = (Token(TimeSpan.FromMinutes(15)), Token(TimeSpan.FromMinutes(15), subject: "bob"));
        Assert.True((await cache.ValidateTokenAsync(first, Parameters(signing))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(second, Parameters(signing))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(first, Parameters(other))).IsValid);
        Assert.False((await cache.ValidateTokenAsync(second, Parameters(other))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True((await cache.ValidateTokenAsync(second, Parameters(signing))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(second, Parameters(other))).IsValid);
    }

    private string Token(TimeSpan lifetime, string subject = "alice") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://issuer.example/",
        Audience = "api",
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow,
        Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(signing), SecurityAlgorithms.RsaSha256),
    });

    private static TokenValidationParameters Parameters(RSA key) => new()
    {
        ValidIssuer = "https://issuer.example/",
        ValidAudience = "api",
        IssuerSigningKey = new RsaSecurityKey(key),
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        // The fake clock moves; the token's own lifetime is checked against the real one, so keep it out of the way.
        ClockSkew = TimeSpan.Zero,
    };
}
