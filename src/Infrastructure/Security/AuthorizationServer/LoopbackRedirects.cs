using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Redirect addresses as RFC 8252 §7.3 asks of a server with native clients: a registered loopback IP address
/// (<c>http://127.0.0.1/callback</c>, <c>http://[::1]/callback</c>) matches the same address on any port, since the
/// app listens on whichever port is free when it signs in. Every other address must match exactly.
/// </summary>
internal sealed class LoopbackRedirects(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var requested) || !IsLoopbackLiteral(requested))
        {
            return false;
        }

        foreach (var registered in await Store.GetRedirectUrisAsync(application, cancellationToken))
        {
            if (Uri.TryCreate(registered, UriKind.Absolute, out var candidate)
                && IsLoopbackLiteral(candidate)
                && string.Equals(candidate.Host, requested.Host, StringComparison.OrdinalIgnoreCase)
                && string.Equals(candidate.PathAndQuery, requested.PathAndQuery, StringComparison.Ordinal)
                && string.IsNullOrEmpty(requested.Fragment))
            {
                return true;
            }
        }

        return false;
    }

    // An IP literal over http only: "localhost" may resolve elsewhere (RFC 8252 §8.3), and is matched exactly.
    internal static bool IsLoopbackLiteral(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp
        && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && uri.IsLoopback;
}
