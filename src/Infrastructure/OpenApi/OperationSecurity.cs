using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.OpenApi;

/// <summary>
/// The credentials this instance accepts, as security schemes, and on every operation that asks who the caller is,
/// the schemes it takes and the token scopes its gates ask for. The embedded authorization server turns the access
/// token scheme into its OAuth 2.0 flows.
/// </summary>
internal sealed class OperationSecurity(SecurityFeatures features, IAuthorizationPolicyProvider policies)
    : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public const string DevelopmentUser = "DevelopmentUser";
    public const string GatewayUser = "GatewayUser";

    public async Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (OperationRequests.Policies(context.Description) is not { } names)
        {
            // Open to anyone: said outright, so tools do not read a missing requirement as an oversight.
            operation.Security = [];
            return;
        }

        var gated = new List<string>();
        foreach (var name in names)
        {
            var policy = await policies.GetPolicyAsync(name);
            gated.AddRange(policy?.Requirements.OfType<GateRequirement>().Select(g => g.Scope).OfType<string>() ?? []);
        }

        List<string> scopes = [.. gated.Distinct(StringComparer.Ordinal)];
        operation.Security = [.. Schemes().Select(scheme => new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(scheme, context.Document)] =
                scheme == AuthSchemes.AccessToken ? scopes : [],
        })];
        if (scopes.Count > 0)
        {
            var needed = $"An access token needs the scope {string.Join(" and ", scopes)}.";
            operation.Description = string.IsNullOrEmpty(operation.Description)
                ? needed
                : $"{operation.Description}\n\n{needed}";
        }
    }

    public Task TransformAsync(
        OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        var schemes = document.Components.SecuritySchemes ??=
            new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        foreach (var scheme in Schemes())
        {
            // The embedded authorization server may already have described the access token scheme.
            schemes.TryAdd(scheme, scheme switch
            {
                AuthSchemes.AccessToken => new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token (RFC 9068 JWT) from the configured authority, "
                        + "in Authorization: Bearer.",
                },
                DevelopmentUser => new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = DevelopmentAuthenticationHandler.UserHeader,
                    Description = "Development only: names the caller outright, e.g. alice.",
                },
                _ => new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = features.GatewayUserHeader,
                    Description = "Set by a trusted gateway only (Gateway:TrustedGateways); "
                        + "from anyone else it is refused.",
                },
            });
        }

        // Only the schemes some operation takes: a service with no protected operation yet lists none.
        var used = (document.Paths ?? []).Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Security ?? [])
            .SelectMany(requirement => requirement.Keys)
            .Select(reference => reference.Reference.Id)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var unused in schemes.Keys.Where(name => !used.Contains(name)).ToList())
        {
            schemes.Remove(unused);
        }

        return Task.CompletedTask;
    }

    private IEnumerable<string> Schemes()
    {
        if (features.BearerTokens)
        {
            yield return AuthSchemes.AccessToken;
        }

        if (features.GatewayIdentity)
        {
            yield return GatewayUser;
        }

        if (features.DevelopmentHeader)
        {
            yield return DevelopmentUser;
        }
    }
}
