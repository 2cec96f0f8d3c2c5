using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Accepted orders are kept by the database, not by the process.</summary>
public sealed class OrderPersistenceTests
{
    [Fact]
    public async Task An_order_placed_before_a_restart_is_there_after_it()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Sqlite"] = TestDatabases.Sqlite() };
        OrderResponse placed;
        await using (var first = await ServiceFixture.StartAsync("Development", settings))
        {
            placed = await first.PlaceAsync("rita");
        }

        await using var second = await ServiceFixture.StartAsync("Development", settings);
        var read = await second.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(placed.Id), "rita");
        Assert.Equal((placed.Id, placed.CustomerEmail), (read.Id, read.CustomerEmail));
    }
}
