using System.Text.Json;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Object property level authorization (OWASP API3): a client cannot set what only the service decides, whatever
/// extra properties it sends.
/// </summary>
[Collection(SharedServiceHost.Name)]
public sealed class OrderMassAssignmentTests(ServiceFixture service)
{
    [Fact]
    public async Task Owner_status_and_version_sent_in_the_body_are_ignored()
    {
        var result = await service.Host.Scenario(s =>
        {
            s.As("erin").Post.Json(new
            {
                customerEmail = "erin@example.com",
                lines = new[] { new { sku = "SKU-001", quantity = 1 } },
                currency = "EUR",
                ownerId = "mallory",
                status = "Shipped",
                version = 99,
                id = Guid.Empty,
            }).ToUrl(PlaceOrderEndpoint.Route);
            s.StatusCodeShouldBe(201);
        });
        var order = (await result.ReadAsJsonAsync<OrderResponse>())!;
        Assert.NotEqual(Guid.Empty, order.Id);
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.NotEqual(99, order.Version);

        // It belongs to the caller: mallory cannot see it, erin can.
        await service.Host.Scenario(s =>
        {
            s.As("mallory").Get.Url(OrdersApi.OrderUrl(order.Id));
            s.StatusCodeShouldBe(404);
        });
        var read = await service.Host.Scenario(s => s.As("erin").Get.Url(OrdersApi.OrderUrl(order.Id)));
        using var body = JsonDocument.Parse(await read.ReadAsTextAsync());
        Assert.False(body.RootElement.TryGetProperty("ownerId", out _));
    }
}
