using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The embedded authorization server driven by openid-client, a certified OpenID Connect client library
/// (tests/contract/oauth-client.mjs), on a real socket: discovery, client credentials, the code flow with PKCE from a
/// loopback port of the app's choosing, the ID token, state and iss checks the library makes, userinfo, refresh,
/// revocation, an error sent back to the client, and the API's WWW-Authenticate challenge.
/// </summary>
[Slow(Suite.Node)]
public sealed class OAuthClientLibraryTests
{
    [Fact]
    public async Task A_certified_client_library_completes_every_flow_the_server_offers()
    {
        var port = Loopback.FreePort();
        var origin = $"http://127.0.0.1:{port}/";
        // No issuer configured: in Development it follows the address the service listens on, and the library
        // accepts the metadata only if its issuer is the address it asked.
        using var host = KestrelHost.Start(port);

        var (exit, output) = await NodeTools.RunAsync("oauth-client.mjs", origin);

        Assert.True(exit == 0, output);
        Assert.Contains("oauth-client: all steps passed", output, StringComparison.Ordinal);
    }
}
