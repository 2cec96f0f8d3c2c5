using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>The <see cref="IOrderStore"/> contract, on SQLite and on PostgreSQL.</summary>
public abstract class OrderStoreTests(IServiceHostFixture service)
{
    private IOrderStore Store => service.Host.Services.OrderStore();

    [SkippableFact]
    public async Task Adding_the_same_order_again_changes_nothing_and_a_different_one_under_its_id_is_refused()
    {
        var order = new Order(Guid.CreateVersion7(), "pat", "p@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, OrderStatus.Placed, DateTimeOffset.UtcNow);
        await Store.AddAsync(order, CancellationToken.None);
        await Store.AddAsync(order, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Store.AddAsync(order with { OwnerId = "eve" }, CancellationToken.None));
        Assert.Equal("pat", (await Store.FindAsync(order.Id, CancellationToken.None))!.OwnerId);
        var (items, total) = await Store.ListByOwnerAsync("pat", 0, 10, CancellationToken.None);
        Assert.Equal(1, items.Count(o => o.Id == order.Id));
        Assert.True(total >= 1);
    }
}

[Collection(SharedServiceHost.Name)]
public sealed class OrderStoreTestsInMemory(ServiceFixture service) : OrderStoreTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class OrderStoreTestsOnRedis(RedisServiceFixture service) : OrderStoreTests(service);
