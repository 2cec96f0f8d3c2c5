using FluentValidation;
using Medallion.Threading;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Events;
using Template.Infrastructure.Jobs;

namespace Template.Features.Orders.PlaceOrder;

/// <summary>Confirms each placed order, as a queued job once the order is committed (the outbox).</summary>
[JobAbilities(OrderGates.Confirm)]
public sealed class ConfirmPlacedOrder(ISender sender) : IListener<OrderPlaced>
{
    public async ValueTask HandleAsync(OrderPlaced raised, CancellationToken cancellationToken) =>
        await sender.Send(new SendOrderConfirmationCommand(raised.OrderId), cancellationToken);
}

/// <summary>
/// Sent by <see cref="ConfirmPlacedOrder"/>: confirms a placed order to its customer and marks it Confirmed.
/// Idempotent: a lock per order and the status check make a second run (a retry, a re-run after a worker died, or
/// a duplicate) confirm nothing twice.
/// </summary>
[Authorize(Policy = OrderGates.Confirm)]
[JobAbilities(OrderGates.Confirm)]
public sealed record SendOrderConfirmationCommand(Guid OrderId) : ICommand, IInvalidatesCache
{
    public IReadOnlyCollection<string> InvalidatesCacheTags => [OrderCacheTags.Order(OrderId)];
}

public sealed class SendOrderConfirmationValidator : AbstractValidator<SendOrderConfirmationCommand>
{
    public SendOrderConfirmationValidator() => RuleFor(c => c.OrderId).NotEmpty();
}

public sealed partial class SendOrderConfirmationHandler(
    IOrderStore store,
    IDistributedLockProvider locks,
    TimeProvider clock,
    IOptions<OrdersOptions> options,
    ILogger<SendOrderConfirmationHandler> logger) : ICommandHandler<SendOrderConfirmationCommand>
{
    public async ValueTask<Unit> Handle(SendOrderConfirmationCommand command, CancellationToken cancellationToken)
    {
        // Not acquiring the lock throws, and the job is retried later.
        await using var handle = await locks.CreateLock($"orders:{command.OrderId}:confirmation")
            .AcquireAsync(options.Value.ConfirmationLockTimeout, cancellationToken);

        var order = await store.FindAsync(command.OrderId, cancellationToken);
        if (order is null || order.Status != OrderStatus.Placed)
        {
            // Gone, cancelled, or confirmed by an earlier run: nothing to send.
            return Unit.Value;
        }

        // The sample has no mail gateway; a real service sends the message here, before the status changes.
        LogConfirmationSent(logger, order.Id, order.CustomerEmail);
        if (!await store.ReplaceAsync(order, order.Confirm(clock.GetUtcNow()), cancellationToken))
        {
            // Only a cancellation can race with us while we hold the lock; a cancelled order stays cancelled.
            LogConfirmationRaced(logger, order.Id);
        }

        return Unit.Value;
    }

    [LoggerMessage(
        EventId = 1100, Level = LogLevel.Information, Message = "Order {OrderId} confirmed to {CustomerEmail}")]
    private static partial void LogConfirmationSent(ILogger logger, Guid orderId, string customerEmail);

    [LoggerMessage(
        EventId = 1101,
        Level = LogLevel.Information,
        Message = "Order {OrderId} changed while it was being confirmed; left as it is")]
    private static partial void LogConfirmationRaced(ILogger logger, Guid orderId);
}
