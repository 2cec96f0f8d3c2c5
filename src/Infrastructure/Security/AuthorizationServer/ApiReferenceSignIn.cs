using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// The API reference's "Try it" signs in through this server: authorization code with PKCE (S256) for the public
/// client <c>AuthorizationServer:ApiReferenceClient</c>, returning to its first redirect address, so a person can
/// call a protected operation from the page with a real token.
/// </summary>
internal sealed class ApiReferenceSignIn(IOptions<AuthorizationServerOptions> server) : IConfigureOptions<ScalarOptions>
{
    public void Configure(ScalarOptions options)
    {
        var settings = server.Value;
        if (settings.Clients.FirstOrDefault(c => c.ClientId == settings.ApiReferenceClient) is not { } client)
        {
            return;
        }

        options.AddPreferredSecuritySchemes([AuthSchemes.AccessToken])
            .AddAuthorizationCodeFlow(AuthSchemes.AccessToken, flow => flow
                .WithClientId(client.ClientId!)
                .WithPkce(Pkce.Sha256)
                .WithRedirectUri(
                    AuthorizationServerOptions.Resolve(client.RedirectUris[0], settings.Issuer).AbsoluteUri)
                .WithSelectedScopes(["openid", .. client.Scopes]));
    }
}
