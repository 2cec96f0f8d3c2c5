using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Jobs;

namespace Template.Features.Orders.PurgeCancelledOrders;

/// <summary>
/// Recurring clean-up (registered in <see cref="OrdersModule"/>): deletes orders cancelled longer ago than
/// <c>Orders:PurgeCancelledAfter</c>, in batches, so the store does not grow without bound.
/// </summary>
[Authorize(Policy = OrderGates.Purge)]
[JobAbilities(OrderGates.Purge)]
public sealed record PurgeCancelledOrdersCommand : ICommand;

public sealed partial class PurgeCancelledOrdersHandler(
    IOrderStore store,
    HybridCache cache,
    TimeProvider clock,
    IOptions<OrdersOptions> options,
    ILogger<PurgeCancelledOrdersHandler> logger) : ICommandHandler<PurgeCancelledOrdersCommand>
{
    private const int BatchSize = 100;

    public async ValueTask<Unit> Handle(PurgeCancelledOrdersCommand command, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.PurgeCancelledAfter;
        var purged = 0;
        while (true)
        {
            var batch = await store.ListCancelledBeforeAsync(cutoff, BatchSize, cancellationToken);
            var removedInBatch = 0;
            foreach (var order in batch)
            {
                if (await store.RemoveAsync(order, cancellationToken))
                {
                    removedInBatch++;
                    await cache.RemoveByTagAsync(OrderCacheTags.Order(order.Id), cancellationToken);
                }
            }

            purged += removedInBatch;
            // A short batch is the last one; a batch where nothing could be removed would repeat forever.
            if (batch.Count < BatchSize || removedInBatch == 0)
            {
                break;
            }
        }

        LogPurged(logger, purged, cutoff);
        return Unit.Value;
    }

    [LoggerMessage(
        EventId = 1200, Level = LogLevel.Information, Message = "Purged {Count} orders cancelled before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);
}
