using System.Globalization;
using System.Net;

namespace Template.Tests.Support;

/// <summary>
/// Access tokens for the tests of the API as a resource server, issued by the service's own authorization server
/// (it was created with <c>--auth embedded</c>): each subject is a confidential client of its own, and a token comes
/// from the token endpoint with the client_credentials grant, so it is a token the server issued and stored.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822", Justification = "The same instance members as the external mode's, which holds an authority.")]
public sealed class AccessTokens : IAsyncDisposable
{
    private const string Secret = "test-only-client-secret-long-enough-for-production";
    private static readonly string[] Subjects = ["alice", "bob", "sam"];
    private static readonly string[] ApiScopes = ["orders.read", "orders.write"];

    public static Task<AccessTokens> StartAsync() => Task.FromResult(new AccessTokens());

    /// <summary>Settings a host needs to issue them: the clients, indexed past the configured ones.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Subjects.Length; i++)
        {
            var at = $"AuthorizationServer:Clients:{(100 + i).ToString(CultureInfo.InvariantCulture)}";
            settings[$"{at}:ClientId"] = Subjects[i];
            settings[$"{at}:ClientSecret"] = Secret;
            settings[$"{at}:Grants:0"] = "client_credentials";
            for (var s = 0; s < ApiScopes.Length; s++)
            {
                settings[$"{at}:Scopes:{s.ToString(CultureInfo.InvariantCulture)}"] = ApiScopes[s];
            }
        }

        return settings;
    }

    /// <summary>A token for <paramref name="subject"/> (alice, bob or sam) with <paramref name="scope"/>, or none.</summary>
    public async Task<string> IssueAsync(IAlbaHost host, string subject, string? scope)
    {
        // Over https, as the issuer of a Production host is.
        var client = host.Server.CreateClient();
        client.BaseAddress = new Uri("https://localhost/");
        using var flow = new OAuthFlow(client);
        var (status, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope ?? "", subject, Secret));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
