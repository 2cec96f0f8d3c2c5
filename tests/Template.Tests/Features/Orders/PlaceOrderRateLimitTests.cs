using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>PlaceOrder carries the strict policy: a caller past it gets 429 and no order, others are unaffected.</summary>
public sealed class PlaceOrderRateLimitTests
{
    [Fact]
    public async Task Placing_orders_past_the_strict_limit_is_refused_and_places_nothing()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["RateLimiting:Policies:strict:PermitLimit"] = "2",
            ["RateLimiting:Policies:per-caller:PermitLimit"] = "1000",
        });
        for (var i = 0; i < 2; i++)
        {
            await host.Scenario(s =>
            {
                s.As("carol").Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
                s.StatusCodeShouldBe(201);
            });
        }

        var refused = await host.Scenario(s =>
        {
            s.As("carol").Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.StatusCodeShouldBe(429);
        });
        await refused.ReadProblemAsync(429);
        Assert.NotNull(refused.Context.Response.Headers.RetryAfter.ToString());

        var list = await host.Scenario(s => s.As("carol").Get.Url(PlaceOrderEndpoint.Route));
        using var orders = System.Text.Json.JsonDocument.Parse(await list.ReadAsTextAsync());
        Assert.Equal(2, orders.RootElement.GetProperty("items").GetArrayLength());

        // Reads are not held to the strict policy, and another caller still places orders.
        await host.PlaceAsync("dave");
    }
}
