using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// PostgreSQL goes away mid-run and comes back: writes answer 503, what the cache holds is still served, and the
/// service recovers by itself with every order it accepted still there.
/// </summary>
[Slow(Suite.Redis)]
public sealed class DatabaseFaultTests
{
    [SkippableFact]
    public async Task PostgreSQL_stopped_then_started_answers_503_for_writes_and_recovers_without_a_restart()
    {
        var redis = await RedisServer.RequireSharedAsync();
        await using var postgres = await PostgresServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["ConnectionStrings:Postgres"] = postgres.NewDatabase();
        // Short freshness, so the read during the outage is served by fail-safe, not by a fresh entry.
        settings["Cache:DefaultDuration"] = "00:00:01";
        await using var host = await ServiceFixture.StartAsync("Development", settings);

        var confirmed = await host.PlaceConfirmedAsync("lena");
        var url = OrdersApi.OrderUrl(confirmed.Id);
        Assert.Equal(OrderStatus.Confirmed, (await host.GetJsonAsync<OrderResponse>(url, "lena")).Status);
        await host.WaitForStatusAsync("/health/ready", 200);

        await postgres.StopAsync();
        await host.WaitForStatusAsync("/health/ready", 503);
        await host.WaitForStatusAsync("/health/live", 200);

        using var bounded = new CancellationTokenSource(Eventually.Deadline);
        var client = await host.PlaceWhileDownAsync("lena", bounded.Token);

        var stale = await client.GetFromJsonAsync<OrderResponse>(url, OrdersApi.Json, bounded.Token);
        Assert.Equal(OrderStatus.Confirmed, stale!.Status);

        await postgres.StartAsync();
        await host.WaitForStatusAsync("/health/ready", 200, within: TimeSpan.FromSeconds(90));
        var again = await host.PlaceAsync("lena");
        await host.WaitForStatusAsync(again.Id, OrderStatus.Confirmed);
        var store = host.Services.GetRequiredService<IOrderStore>();
        Assert.Equal(OrderStatus.Confirmed, (await store.FindAsync(confirmed.Id, CancellationToken.None))!.Status);
    }
}
