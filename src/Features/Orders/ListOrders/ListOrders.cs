using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.ListOrders;

/// <summary>GET /api/orders?page=&amp;pageSize=: the caller's own orders, newest first.</summary>
public sealed class ListOrdersEndpoint : IEndpoint<OrdersRoutes>
{
    public const string Route = OrdersRoutes.Prefix;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(
            Route,
            async Task<Ok<OrderPage>> (
                [AsParameters] ListOrdersQuery query, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(query, cancellationToken)))
            .WithName("ListOrders")
            .WithSummary("List your orders, newest first");
}

/// <summary>Which page to return; <c>page</c> starts at 1.</summary>
[Authorize(Policy = OrderGates.ViewAny)]
public sealed record ListOrdersQuery(int Page = 1, int PageSize = 20) : IQuery<OrderPage>;

public sealed record OrderPage(
    IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int TotalCount, int TotalPages);

public sealed record OrderSummary(Guid Id, OrderStatus Status, string Currency, int LineCount, DateTimeOffset PlacedAt);

public sealed class ListOrdersValidator : AbstractValidator<ListOrdersQuery>
{
    /// <summary>With at most 1,000 orders a page (Orders:MaxPageSize), the offset of the last page fits an
    /// int.</summary>
    public const int MaxPage = 1_000_000;

    public ListOrdersValidator(IOptions<OrdersOptions> options)
    {
        RuleFor(q => q.Page).InclusiveBetween(1, MaxPage);
        RuleFor(q => q.PageSize).InclusiveBetween(1, options.Value.MaxPageSize);
    }
}

public sealed class ListOrdersHandler(IOrderStore store, IRequestCaller caller)
    : IQueryHandler<ListOrdersQuery, OrderPage>
{
    public async ValueTask<OrderPage> Handle(ListOrdersQuery query, CancellationToken cancellationToken)
    {
        var (items, total) = await store.ListByOwnerAsync(
            caller.RequiredId, (query.Page - 1) * query.PageSize, query.PageSize, cancellationToken);
        return new OrderPage(
            [.. items.Select(o => new OrderSummary(o.Id, o.Status, o.Currency, o.Lines.Count, o.PlacedAt))],
            query.Page,
            query.PageSize,
            total,
            (total + query.PageSize - 1) / query.PageSize);
    }
}
