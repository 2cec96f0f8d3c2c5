using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Remembers, in the authorization request the login page returns to, when the server sent the user there to sign
/// in again (for <c>prompt=login</c> or <c>max_age</c>): a sign-in made since then satisfies the request, so the
/// user is not sent round again. The mark is protected, so a client cannot forge a past one.
/// </summary>
internal sealed class Reauthentication(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Parameter = "reauthenticated_since";

    private readonly IDataProtector protector = protection.CreateProtector("AuthorizationServer.Reauthentication");

    /// <summary>The protected time the user is sent to sign in again.</summary>
    public string Mark() =>
        protector.Protect(clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether <paramref name="request"/> carries a mark no later than <paramref name="signedInAt"/>.
    /// </summary>
    public bool SignedInSince(HttpRequest request, DateTimeOffset signedInAt)
    {
        var mark = request.Query[Parameter].ToString();
        if (string.IsNullOrEmpty(mark))
        {
            return false;
        }

        try
        {
            return long.TryParse(protector.Unprotect(mark), CultureInfo.InvariantCulture, out var since)
                && signedInAt.ToUnixTimeSeconds() >= since;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
