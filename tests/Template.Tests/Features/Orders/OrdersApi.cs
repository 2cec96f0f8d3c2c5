using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Shortcuts the Orders tests share.</summary>
public static class OrdersApi
{
    public static PlaceOrderCommand ValidOrder(string email = "buyer@example.com") =>
        new(email, [new PlaceOrderLine("SKU-001", 2), new PlaceOrderLine("SKU-002", 1)], "EUR", "Leave at the door");

    public static async Task<OrderResponse> PlaceAsync(this IAlbaHost host, string user, PlaceOrderCommand? order = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var result = await host.Scenario(s =>
        {
            s.Post.Json(order ?? ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.As(user);
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<OrderResponse>())!;
    }

    public static string OrderUrl(Guid id) => $"/api/orders/{id}";
}
