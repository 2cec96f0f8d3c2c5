using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.GetOrder;

/// <summary>GET /api/orders/{id}: one of the caller's orders.</summary>
public sealed class GetOrderEndpoint : IEndpoint<OrdersRoutes>
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(
            OrdersRoutes.Prefix + "/{id:guid}",
            async Task<Ok<OrderResponse>> (
                [AsParameters] GetOrderQuery query, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(query, cancellationToken)))
            .WithName("GetOrder")
            .WithSummary("Get one of your orders")
            .ProducesProblem(StatusCodes.Status404NotFound);
}

[Authorize(Policy = OrderGates.View)]
public sealed record GetOrderQuery(Guid Id) : IQuery<OrderResponse>, ICachedQuery
{
    public string CacheKey => $"orders:{Id}";

    public IReadOnlyCollection<string> CacheTags => [OrderCacheTags.Order(Id)];
}

public sealed class GetOrderHandler(IOrderStore store, IRequestCaller caller, IAuthorizationService authorization)
    : IQueryHandler<GetOrderQuery, OrderResponse>
{
    public async ValueTask<OrderResponse> Handle(GetOrderQuery query, CancellationToken cancellationToken)
    {
        return OrderResponse.From(await store.GetAuthorizedAsync(
            authorization, caller, query.Id, OrderOperations.View, cancellationToken));
    }
}
