using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// The endpoint addresses in the discovery document start with the configured issuer, as the issuer itself does,
/// never with the Host header of the request that asked for them (which any client can set).
/// </summary>
internal sealed class DiscoveryFromIssuer : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<DiscoveryFromIssuer>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        if (context.Options.Issuer is not { } issuer || context.BaseUri is not { } requested)
        {
            return ValueTask.CompletedTask;
        }

        Uri? Rebase(Uri? endpoint) =>
            endpoint is not null && endpoint.AbsoluteUri.StartsWith(requested.AbsoluteUri, StringComparison.Ordinal)
                ? new Uri(issuer, endpoint.AbsoluteUri[requested.AbsoluteUri.Length..])
                : endpoint;

        context.AuthorizationEndpoint = Rebase(context.AuthorizationEndpoint);
        context.TokenEndpoint = Rebase(context.TokenEndpoint);
        context.RevocationEndpoint = Rebase(context.RevocationEndpoint);
        context.UserInfoEndpoint = Rebase(context.UserInfoEndpoint);
        context.EndSessionEndpoint = Rebase(context.EndSessionEndpoint);
        context.JsonWebKeySetEndpoint = Rebase(context.JsonWebKeySetEndpoint);
        context.IntrospectionEndpoint = Rebase(context.IntrospectionEndpoint);
        context.DeviceAuthorizationEndpoint = Rebase(context.DeviceAuthorizationEndpoint);
        context.PushedAuthorizationEndpoint = Rebase(context.PushedAuthorizationEndpoint);
        return ValueTask.CompletedTask;
    }
}
