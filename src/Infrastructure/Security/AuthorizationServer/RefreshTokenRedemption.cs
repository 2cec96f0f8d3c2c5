using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// One refresh token gives tokens once, however many requests present it at the same moment: before any token is
/// issued, the request claims the token (still valid, then redeemed under the store's version check), and a request
/// that loses is refused as reuse and revokes the grant, as a replay would. OpenIddict's own step lets concurrent
/// refreshes through on purpose (it ignores a failed redemption of a refresh token), which this service's policy of
/// no reuse leeway does not want.
/// </summary>
internal sealed class RefreshTokenRedemption(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager grants)
    : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
            .UseScopedHandler<RefreshTokenRedemption>()
            .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType is not OpenIddictServerEndpointType.Token
            || !context.Request.IsRefreshTokenGrantType()
            || Presented(context)?.GetTokenId() is not { Length: > 0 } id
            || await tokens.FindByIdAsync(id, context.CancellationToken) is not { } token)
        {
            return;
        }

        // Redeeming an already redeemed token succeeds in OpenIddict, so the token must still be valid here.
        if (await tokens.HasStatusAsync(token, Statuses.Valid, context.CancellationToken)
            && await tokens.TryRedeemAsync(token, context.CancellationToken))
        {
            return;
        }

        if (await tokens.GetAuthorizationIdAsync(token, context.CancellationToken) is { Length: > 0 } grantId)
        {
            await tokens.RevokeByAuthorizationIdAsync(grantId, context.CancellationToken);
            if (await grants.FindByIdAsync(grantId, context.CancellationToken) is { } grant)
            {
                await grants.TryRevokeAsync(grant, context.CancellationToken);
            }
        }

        context.Reject(
            OpenIddictConstants.Errors.InvalidGrant, "The specified refresh token has already been redeemed.");
    }

    // The refresh token the client sent, as OpenIddict validated it earlier in this request.
    private static System.Security.Claims.ClaimsPrincipal? Presented(ProcessSignInContext context) =>
        context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!)
            ?.RefreshTokenPrincipal;
}
