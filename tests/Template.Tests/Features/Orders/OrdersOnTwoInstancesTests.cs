using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Two instances of the service on one Redis behave as one service for the Orders area.</summary>
[Slow(Suite.Redis)]
public sealed class OrdersOnTwoInstancesTests
{
    [SkippableFact]
    public async Task A_job_queued_by_an_api_instance_runs_on_a_worker_instance()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        await using var api = await StartAsync(settings, ("Jobs:Role", "Api"));
        await using var worker = await StartAsync(settings, ("Jobs:Role", "Worker"));

        var placed = await api.PlaceAsync("kim");
        await api.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);

        // Only the worker instance has job servers; the API instance sees them through the shared storage.
        var servers = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers();
        Assert.Equal(3, servers.Count);
    }

    [SkippableFact]
    public async Task An_order_changed_through_one_instance_is_never_served_stale_by_the_other()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);

        var confirmed = await a.PlaceConfirmedAsync("lee");
        // B reads the order twice, so its in-process level holds it.
        Assert.Equal(OrderStatus.Confirmed, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);
        Assert.Equal(OrderStatus.Confirmed, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);

        await a.Scenario(s =>
        {
            s.Post.Url($"{OrdersApi.OrderUrl(confirmed.Id)}/cancel");
            s.As("lee");
            s.StatusCodeShouldBe(200);
        });

        Assert.Equal(OrderStatus.Cancelled, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);
    }

    private static Task<IAlbaHost> StartAsync(Dictionary<string, string?> shared, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(shared);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return ServiceFixture.StartAsync("Development", settings);
    }
}
