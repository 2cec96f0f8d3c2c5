using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.CancelOrder;

/// <summary>POST /api/orders/{id}/cancel: cancels one of the caller's orders unless it has shipped.</summary>
public sealed class CancelOrderEndpoint : IEndpoint<OrdersRoutes>
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(
            OrdersRoutes.Prefix + "/{id:guid}/cancel",
            async Task<Ok<OrderResponse>> (
                [AsParameters] CancelOrderCommand command, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(command, cancellationToken)))
            .WithName("CancelOrder")
            .WithSummary("Cancel one of your orders before it ships")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}

[Authorize(Policy = OrderGates.Cancel)]
public sealed record CancelOrderCommand(Guid Id) : ICommand<OrderResponse>, IInvalidatesCache
{
    public IReadOnlyCollection<string> InvalidatesCacheTags => [OrderCacheTags.Order(Id)];
}

public sealed class CancelOrderHandler(
    IOrderStore store, IRequestCaller caller, IAuthorizationService authorization, TimeProvider clock)
    : ICommandHandler<CancelOrderCommand, OrderResponse>
{
    // Cancelling is idempotent, so losing a race with another writer (e.g. the confirmation job) is retried
    // on a fresh read rather than handed to the client as a conflict.
    private const int Attempts = 3;

    public async ValueTask<OrderResponse> Handle(CancelOrderCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var order = await store.GetAuthorizedAsync(
                authorization, caller, command.Id, OrderOperations.Cancel, cancellationToken);
            if (!order.CanCancel)
            {
                throw new ConflictException($"Order '{order.Id}' is {order.Status} and can no longer be cancelled.");
            }

            var cancelled = order.Cancel(clock.GetUtcNow());
            if (ReferenceEquals(cancelled, order) || await store.ReplaceAsync(order, cancelled, cancellationToken))
            {
                return OrderResponse.From(cancelled);
            }

            if (attempt == Attempts)
            {
                throw new ConflictException(
                    $"Order '{order.Id}' keeps being changed by other requests; read it again and retry.");
            }
        }
    }
}
