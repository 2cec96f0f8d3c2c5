using Template.Features.Orders;
using Template.Features.Orders.ListOrders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Runs in both modes: <see cref="ReadOrdersTestsInMemory"/> and <see cref="ReadOrdersTestsOnRedis"/>.</summary>
public abstract class ReadOrdersTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task The_owner_reads_an_order_back()
    {
        var placed = await Host.PlaceAsync("bob");
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(OrdersApi.OrderUrl(placed.Id));
            s.As("bob");
            s.StatusCodeShouldBe(200);
        });
        var order = (await result.ReadAsJsonAsync<OrderResponse>())!;
        Assert.Equal(placed.Id, order.Id);
        Assert.Equal(placed.Lines, order.Lines);
    }

    [SkippableFact]
    public async Task Another_callers_order_is_404_as_if_it_did_not_exist()
    {
        var placed = await Host.PlaceAsync("bob");
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(OrdersApi.OrderUrl(placed.Id));
            s.As("eve");
            s.StatusCodeShouldBe(404);
        });
        await result.ReadProblemAsync(404);
    }

    [SkippableFact]
    public async Task An_unknown_id_is_404_and_a_malformed_id_does_not_match_the_route()
    {
        var unknown = await Host.Scenario(s =>
        {
            s.Get.Url(OrdersApi.OrderUrl(Guid.NewGuid()));
            s.As("bob");
            s.StatusCodeShouldBe(404);
        });
        await unknown.ReadProblemAsync(404);
        var malformed = await Host.Scenario(s =>
        {
            s.Get.Url("/api/orders/not-a-guid");
            s.As("bob");
            s.StatusCodeShouldBe(404);
        });
        await malformed.ReadProblemAsync(404);
    }

    [SkippableFact]
    public async Task Listing_returns_only_the_callers_orders_newest_first_in_pages()
    {
        var user = $"lister-{Guid.NewGuid():N}";
        var placed = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add((await Host.PlaceAsync(user)).Id);
        }

        await Host.PlaceAsync("someone-else");

        var first = await ListAsync(user, "?page=1&pageSize=2");
        Assert.Equal(5, first.TotalCount);
        Assert.Equal(3, first.TotalPages);
        Assert.Equal([placed[4], placed[3]], first.Items.Select(o => o.Id));

        var last = await ListAsync(user, "?page=3&pageSize=2");
        Assert.Equal([placed[0]], last.Items.Select(o => o.Id));

        var beyond = await ListAsync(user, "?page=9&pageSize=2");
        Assert.Empty(beyond.Items);
        var farthest = await ListAsync(user, $"?page={ListOrdersValidator.MaxPage}&pageSize=100");
        Assert.Empty(farthest.Items);
        Assert.Equal(ListOrdersValidator.MaxPage, farthest.Page);

        var defaults = await ListAsync(user, string.Empty);
        Assert.Equal(1, defaults.Page);
        Assert.Equal(20, defaults.PageSize);
        Assert.Equal(5, defaults.Items.Count);
    }

    [SkippableTheory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=1000001", "page")]
    [InlineData("?page=2147483647", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?Page=2147483648", "Page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    public async Task Paging_limits_are_validated(string query, string field)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(ListOrdersEndpoint.Route + query);
            s.As("bob");
            s.StatusCodeShouldBe(400);
        });
        Assert.True((await result.ReadProblemAsync(400)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [SkippableFact]
    public async Task Listing_anonymously_is_401()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(ListOrdersEndpoint.Route);
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
    }

    private async Task<OrderPage> ListAsync(string user, string query)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(ListOrdersEndpoint.Route + query);
            s.As(user);
            s.StatusCodeShouldBe(200);
        });
        return (await result.ReadAsJsonAsync<OrderPage>())!;
    }
}

[Collection(SharedServiceHost.Name)]
public sealed class ReadOrdersTestsInMemory(ServiceFixture service) : ReadOrdersTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class ReadOrdersTestsOnRedis(RedisServiceFixture service) : ReadOrdersTests(service);
