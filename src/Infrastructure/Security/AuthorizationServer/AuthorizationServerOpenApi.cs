using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// In the OpenAPI document, access tokens come from this service's own server: the access token scheme is OAuth 2.0
/// with its client credentials and authorization code flows, at its endpoints, with the scopes it grants.
/// </summary>
internal sealed class AuthorizationServerOpenApi(IOptions<OpenIddictServerOptions> server) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(
        OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var options = server.Value;
        var scopes = options.Scopes.Order(StringComparer.Ordinal)
            .ToDictionary(s => s, Describe, StringComparer.Ordinal);
        var token = Address(options.Issuer, AuthorizationEndpoints.Token);
        document.Components ??= new OpenApiComponents();
        (document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal))
            [AuthSchemes.AccessToken] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "Access tokens from this service's authorization server, sent as Authorization: Bearer. "
                    + "The authorization code flow requires PKCE with S256.",
                Flows = new OpenApiOAuthFlows
                {
                    ClientCredentials = new OpenApiOAuthFlow { TokenUrl = token, Scopes = scopes },
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = Address(options.Issuer, AuthorizationEndpoints.Authorize),
                        TokenUrl = token,
                        RefreshUrl = token,
                        Scopes = scopes,
                    },
                },
            };
        return Task.CompletedTask;
    }

    // Without a configured issuer the addresses are relative to the server the document is served from.
    private static Uri Address(Uri? issuer, string path) =>
        issuer is null ? new Uri("/" + path, UriKind.Relative) : new Uri(issuer, path);

    private static string Describe(string scope) => scope switch
    {
        Scopes.OpenId => "Sign the user in (OpenID Connect): an ID token.",
        Scopes.Profile => "The user's name.",
        Scopes.Email => "The user's e-mail address.",
        Scopes.Roles => "The user's roles.",
        Scopes.OfflineAccess => "A refresh token, to stay signed in.",
        _ => $"The operations that ask for {scope}.",
    };
}
