using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Runs in both modes: <see cref="CancelOrderTestsInMemory"/> and <see cref="CancelOrderTestsOnRedis"/>.</summary>
public abstract class CancelOrderTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task A_placed_order_is_cancelled_and_cancelling_again_changes_nothing()
    {
        var placed = await Host.PlaceAsync("carol");
        var first = await CancelAsync("carol", placed.Id, 200);
        var cancelled = (await first.ReadAsJsonAsync<OrderResponse>())!;
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.CancelledAt);

        var again = (await (await CancelAsync("carol", placed.Id, 200)).ReadAsJsonAsync<OrderResponse>())!;
        Assert.Equal(cancelled.CancelledAt, again.CancelledAt);
    }

    [SkippableFact]
    public async Task A_shipped_order_cannot_be_cancelled()
    {
        var placed = await Host.PlaceConfirmedAsync("carol");
        var store = Host.Services.OrderStore();
        var order = (await store.FindAsync(placed.Id, CancellationToken.None))!;
        Assert.True(await store.ReplaceAsync(order, Shipped(order), CancellationToken.None));

        var result = await CancelAsync("carol", placed.Id, 409);
        var problem = await result.ReadProblemAsync(409);
        Assert.Contains("Shipped", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Shipped, (await store.FindAsync(placed.Id, CancellationToken.None))!.Status);
    }

    [SkippableFact]
    public async Task Another_callers_order_cannot_be_cancelled()
    {
        var placed = await Host.PlaceConfirmedAsync("carol");
        await (await CancelAsync("mallory", placed.Id, 404)).ReadProblemAsync(404);
        var store = Host.Services.OrderStore();
        var after = (await store.FindAsync(placed.Id, CancellationToken.None))!;
        Assert.Equal((OrderStatus.Confirmed, placed.Version), (after.Status, after.Version));
    }

    [SkippableFact]
    public async Task A_stale_version_is_not_written()
    {
        var placed = await Host.PlaceConfirmedAsync("carol");
        var store = Host.Services.OrderStore();
        var read = (await store.FindAsync(placed.Id, CancellationToken.None))!;
        Assert.True(await store.ReplaceAsync(read, Shipped(read), CancellationToken.None));
        Assert.False(await store.ReplaceAsync(read, read.Cancel(DateTimeOffset.UtcNow), CancellationToken.None));
    }

    private Task<IScenarioResult> CancelAsync(string user, Guid id, int status) => Host.Scenario(s =>
    {
        s.Post.Url($"{OrdersApi.OrderUrl(id)}/cancel");
        s.As(user);
        s.StatusCodeShouldBe(status);
    });

    // No use case ships an order yet; the tests write the state a shipping slice would.
    private static Order Shipped(Order order) => order with { Status = OrderStatus.Shipped, Version = order.Version + 1 };
}

[Collection(SharedServiceHost.Name)]
public sealed class CancelOrderTestsInMemory(ServiceFixture service) : CancelOrderTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class CancelOrderTestsOnRedis(RedisServiceFixture service) : CancelOrderTests(service);
