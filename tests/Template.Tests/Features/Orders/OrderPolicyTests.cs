using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Broken object-level authorization, tried on every Orders endpoint that addresses an order, and the
/// policy's other answers: admin, super-admin (the before rule), deny reasons. Runs in both modes.
/// </summary>
public abstract class OrderPolicyTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableTheory]
    [InlineData("GET", "")]
    [InlineData("POST", "/cancel")]
    [InlineData("PUT", "/note")]
    public async Task Another_user_cannot_reach_an_order_on_any_endpoint_and_learns_nothing(string method, string suffix)
    {
        var order = await Host.PlaceConfirmedAsync("victor");
        var result = await SendAsync(method, $"{OrdersApi.OrderUrl(order.Id)}{suffix}", "mallory", [], order.Version, 404);
        var problem = await result.ReadProblemAsync(404);
        Assert.Equal($"Order '{order.Id}' was not found.", problem.GetProperty("detail").GetString());

        var unchanged = await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "victor");
        Assert.Equal((OrderStatus.Confirmed, order.Version), (unchanged.Status, unchanged.Version));
    }

    [SkippableFact]
    public async Task Another_users_listing_never_contains_the_order()
    {
        var order = await Host.PlaceAsync("victor");
        var page = await Host.GetJsonAsync<Template.Features.Orders.ListOrders.OrderPage>("/api/orders?pageSize=100", "mallory");
        Assert.DoesNotContain(page.Items, o => o.Id == order.Id);
    }

    [SkippableFact]
    public async Task An_admin_may_view_and_cancel_any_order()
    {
        var order = await Host.PlaceConfirmedAsync("victor");
        await SendAsync("GET", OrdersApi.OrderUrl(order.Id), "ada", ["admin"], order.Version, 200);
        await SendAsync("POST", $"{OrdersApi.OrderUrl(order.Id)}/cancel", "ada", ["admin"], order.Version, 200);
        Assert.Equal(OrderStatus.Cancelled, (await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "victor")).Status);
    }

    [SkippableFact]
    public async Task An_admin_may_not_change_another_users_note_and_is_told_why()
    {
        var order = await Host.PlaceConfirmedAsync("victor");
        var result = await SendAsync("PUT", $"{OrdersApi.OrderUrl(order.Id)}/note", "ada", ["admin"], order.Version, 403);
        var problem = await result.ReadProblemAsync(403);
        Assert.Equal("Only the owner may change an order's note.", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_super_admin_passes_every_check_first()
    {
        var order = await Host.PlaceConfirmedAsync("victor");
        await SendAsync("PUT", $"{OrdersApi.OrderUrl(order.Id)}/note", "root", ["super-admin"], order.Version, 200);
        Assert.Equal("changed by someone else", (await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "victor")).Note);
    }

    private Task<IScenarioResult> SendAsync(string method, string url, string user, string[] roles, int version, int status) => Host.Scenario(s =>
    {
        switch (method)
        {
            case "GET":
                s.Get.Url(url);
                break;
            case "POST":
                s.Post.Url(url);
                break;
            default:
                s.Put.Text("{\"note\":\"changed by someone else\"}").ToUrl(url);
                s.WithRequestHeader("Content-Type", "application/json");
                s.WithRequestHeader("If-Match", $"\"{version}\"");
                break;
        }

        s.As(user, roles);
        s.StatusCodeShouldBe(status);
    });
}

[Collection(SharedServiceHost.Name)]
public sealed class OrderPolicyTestsInMemory(ServiceFixture service) : OrderPolicyTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class OrderPolicyTestsOnRedis(RedisServiceFixture service) : OrderPolicyTests(service);
