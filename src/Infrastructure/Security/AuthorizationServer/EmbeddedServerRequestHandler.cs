using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// OpenIddict's server handler, asked to handle a request only when it is for one of the server's own endpoints.
/// The authentication middleware asks every request handler about every request, and OpenIddict answers by running
/// its request pipeline: about a tenth of a millisecond per request (measured with the benchmark suite) for requests
/// that are none of its business. Everything else is passed on unchanged.
/// </summary>
internal sealed class EmbeddedServerRequestHandler(OpenIddictServerAspNetCoreHandler inner)
    : IAuthenticationRequestHandler, IAuthenticationSignInHandler
{
    private PathString path;

    /// <summary>Where the server's endpoints live: the protocol endpoints, discovery and the key set.</summary>
    public static bool OwnsPath(PathString path) =>
        path.StartsWithSegments(AuthorizationEndpoints.ProtocolPrefix, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase);

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        path = context.Request.Path;
        return inner.InitializeAsync(scheme, context);
    }

    public Task<bool> HandleRequestAsync() => OwnsPath(path) ? inner.HandleRequestAsync() : Task.FromResult(false);

    public Task<AuthenticateResult> AuthenticateAsync() => inner.AuthenticateAsync();

    public Task ChallengeAsync(AuthenticationProperties? properties) => inner.ChallengeAsync(properties);

    public Task ForbidAsync(AuthenticationProperties? properties) => inner.ForbidAsync(properties);

    public Task SignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties) =>
        inner.SignInAsync(user, properties);

    public Task SignOutAsync(AuthenticationProperties? properties) => inner.SignOutAsync(properties);
}
