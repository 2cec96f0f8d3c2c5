namespace Template.Infrastructure.Security;

/// <summary>The client secrets <c>appsettings.Development.json</c> ships with; Production refuses every one of
/// them.</summary>
public static class DevelopmentSecrets
{
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "dev-secret-service-client-change-me",
        "dev-secret-browser-session-change-me",
    };

    public static bool Contains(string secret) => All.Contains(secret);
}
