using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Template.Infrastructure.Security;

/// <summary>
/// The bearer handler's token validation, remembering the access tokens that passed it. A client sends the same
/// token with every request for its whole lifetime, and checking its RS256 signature again each time costs about
/// 80 µs here (OpenSSL 3 through .NET), most of an authenticated request. A token is remembered only after it
/// validated, byte for byte, until its expiry or <c>Auth:ValidatedTokenCacheDuration</c>, whichever comes first.
/// The revocation check (<c>OnTokenValidated</c>) still runs on every request, and every request gets its own copy
/// of the identity, so nothing one request changes on its principal reaches another.
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider clock, TimeSpan maxAge, int capacity) : JsonWebTokenHandler
{
    private readonly ConcurrentDictionary<string, Validated> validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(
        string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (validated.TryGetValue(token, out var known))
        {
            if (known.Until > now)
            {
                return known.Copy();
            }

            validated.TryRemove(KeyValuePair.Create(token, known));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && maxAge > TimeSpan.Zero && result.SecurityToken is { } securityToken)
        {
            var expires = new DateTimeOffset(securityToken.ValidTo, TimeSpan.Zero);
            var until = expires < now + maxAge ? expires : now + maxAge;
            // Bounded: when full and nothing has expired, the token is simply validated every time.
            if (until > now && BoundedEntries.HasRoom(validated, capacity, now, static v => v.Until))
            {
                // A copy of the identity: the request that validated the token goes on with the original.
                validated[token] = new Validated(result, result.ClaimsIdentity.Clone(), until);
            }
        }

        return result;
    }

    private sealed record Validated(
        TokenValidationResult Result, System.Security.Claims.ClaimsIdentity Identity, DateTimeOffset Until)
    {
        public TokenValidationResult Copy() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = Result.SecurityToken,
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
            TokenContext = Result.TokenContext,
        };
    }
}
