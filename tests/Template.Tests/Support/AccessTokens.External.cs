namespace Template.Tests.Support;

/// <summary>
/// Access tokens for the tests of the API as a resource server, issued by a stand-in for the outside provider
/// (the service was created with <c>--auth external</c>): a <see cref="FakeAuthority"/> on a loopback port, which
/// the host trusts through <c>Auth:Authority</c> and its JWKS, as it would trust the real one.
/// </summary>
public sealed class AccessTokens : IAsyncDisposable
{
    private const string Audience = "orders-api";
    private readonly FakeAuthority authority;

    private AccessTokens(FakeAuthority authority) => this.authority = authority;

    public static async Task<AccessTokens> StartAsync() => new(await FakeAuthority.StartAsync());

    /// <summary>Settings a host needs to trust them.</summary>
    public Dictionary<string, string?> Settings() => authority.TrustedFor(Audience);

    /// <summary>A token for <paramref name="subject"/> with <paramref name="scope"/>, or none.</summary>
    public Task<string> IssueAsync(IAlbaHost host, string subject, string? scope) =>
        Task.FromResult(authority.Issue(subject, Audience, scope: scope));

    public ValueTask DisposeAsync() => authority.DisposeAsync();
}
