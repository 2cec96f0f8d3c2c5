using Template.Infrastructure.Areas;

namespace Template.Features.Orders;

/// <summary>
/// The Orders area's route group: every use case of the area answers under <see cref="Prefix"/>, is tagged Orders
/// in the API document, and is for signed-in callers only; each use case's request says what else it needs.
/// </summary>
/// <remarks>
/// The prefix is part of each route rather than the group's: a group's prefix would give the collection's own
/// routes (<c>GET /api/orders</c>) a trailing slash, in the routes and in the API document.
/// </remarks>
public sealed class OrdersRoutes : IEndpointGroup
{
    public const string Prefix = "/api/orders";

    public static RouteGroupBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGroup("").WithTags("Orders").RequireAuthorization();
}
