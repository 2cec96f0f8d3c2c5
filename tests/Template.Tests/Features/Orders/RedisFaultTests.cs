using System.Net.Http.Json;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Redis goes away mid-run and comes back: orders are still accepted (their jobs wait in the outbox), reads come
/// from the cache's last known values and from the database, and the service recovers by itself.
/// </summary>
[Slow(Suite.Redis)]
public sealed class RedisFaultTests
{
    [SkippableFact]
    public async Task Redis_stopped_then_restarted_degrades_and_recovers_without_a_restart_of_the_service()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        // Short freshness, so the read during the outage is served by fail-safe, not by a fresh entry.
        settings["Cache:DefaultDuration"] = "00:00:01";
        await using var host = await ServiceFixture.StartAsync("Development", settings);

        var confirmed = await host.PlaceConfirmedAsync("max");
        Assert.Equal(OrderStatus.Confirmed, (await host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "max")).Status);
        var neverRead = await host.PlaceConfirmedAsync("max");
        await host.WaitForStatusAsync("/health/ready", 200);

        await redis.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await host.WaitForStatusAsync("/health/ready", 503);
        await host.WaitForStatusAsync("/health/live", 200);

        using var bounded = new CancellationTokenSource(Eventually.Deadline);
        using var client = host.ClientAs("max");

        // The order and its outbox row are in the database; the confirmation is queued once Redis is back.
        var place = await client.PostAsJsonAsync("/api/orders", OrdersApi.ValidOrder(), bounded.Token);
        Assert.Equal(201, (int)place.StatusCode);
        var placedWhileDown = (await place.Content.ReadFromJsonAsync<OrderResponse>(OrdersApi.Json, bounded.Token))!;

        // What the cache does not hold comes from the database, which does not need Redis.
        var fromDatabase = await client.GetFromJsonAsync<OrderResponse>(OrdersApi.OrderUrl(neverRead.Id), OrdersApi.Json, bounded.Token);
        Assert.Equal(OrderStatus.Confirmed, fromDatabase!.Status);
        var unknown = await client.GetAsync(OrdersApi.OrderUrl(Guid.NewGuid()), bounded.Token);
        Assert.Equal(404, (int)unknown.StatusCode);

        // The expired entry is still served: fail-safe keeps the last known value while its source fails.
        var stale = await client.GetFromJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), OrdersApi.Json, bounded.Token);
        Assert.Equal(OrderStatus.Confirmed, stale!.Status);

        await redis.StartAsync();
        await host.WaitForStatusAsync("/health/ready", 200, within: TimeSpan.FromSeconds(90));
        await host.WaitForStatusAsync(placedWhileDown.Id, OrderStatus.Confirmed);
        var again = await host.PlaceAsync("max");
        await host.WaitForStatusAsync(again.Id, OrderStatus.Confirmed);
    }

}
