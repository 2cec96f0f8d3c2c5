using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Template.Infrastructure.Jobs;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Hourly clean-up of the authorization server's records: tokens and authorizations that can no longer be used and
/// are older than <c>AuthorizationServer:PruneAfter</c>. Until then a redeemed code or refresh token stays on record,
/// so presenting it again is recognised as replay.
/// </summary>
[Authorize(Policy = OAuthGates.PruneTokens)]
[JobAbilities(OAuthGates.PruneTokens)]
public sealed record PruneAuthorizationRecordsCommand : ICommand;

public sealed partial class PruneAuthorizationRecordsHandler(
    IServiceProvider services,
    TimeProvider clock,
    IOptions<AuthorizationServerOptions> options,
    ILogger<PruneAuthorizationRecordsHandler> logger) : ICommandHandler<PruneAuthorizationRecordsCommand>
{
    public async ValueTask<Unit> Handle(PruneAuthorizationRecordsCommand command, CancellationToken cancellationToken)
    {
        // Resolved here, not injected: the managers exist only while the embedded server is on, which is also
        // the only time this job is scheduled.
        var tokens = services.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var threshold = clock.GetUtcNow() - options.Value.PruneAfter;
        var prunedTokens = await tokens.PruneAsync(threshold, cancellationToken);
        var prunedAuthorizations = await authorizations.PruneAsync(threshold, cancellationToken);
        LogPruned(logger, prunedTokens, prunedAuthorizations);
        return Unit.Value;
    }

    [LoggerMessage(LogLevel.Information, "Pruned {Tokens} tokens and {Authorizations} authorizations")]
    private static partial void LogPruned(ILogger logger, long tokens, long authorizations);
}
