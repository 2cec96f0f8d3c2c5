namespace Template.Infrastructure.Security;

/// <summary>Return addresses after a sign-in or sign-out: only this site's own.</summary>
internal static class LocalUrls
{
    /// <summary>Whether <paramref name="url"/> stays on this site, so redirecting to it cannot send a user
    /// elsewhere.</summary>
    public static bool IsLocal(string? url) =>
        url is not null && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal);
}
