using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
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
        var store = host.Services.OrderStore();
        Assert.Equal(OrderStatus.Confirmed, (await store.FindAsync(confirmed.Id, CancellationToken.None))!.Status);
    }

    [SkippableFact]
    public async Task Every_order_answered_201_while_PostgreSQL_stops_and_starts_is_kept_and_confirmed()
    {
        var redis = await RedisServer.RequireSharedAsync();
        await using var postgres = await PostgresServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["ConnectionStrings:Postgres"] = postgres.NewDatabase();
        await using var host = await ServiceFixture.StartAsync("Development", settings);
        using var client = host.ClientAs("lena");

        var accepted = new ConcurrentQueue<Guid>();
        var answers = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // Bounded: at most 500 orders, whatever the outage does.
            for (var i = 0; i < 500 && !stop.IsCancellationRequested; i++)
            {
                using var response = await client.PostAsJsonAsync("/api/orders", OrdersApi.ValidOrder());
                answers.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    accepted.Enqueue((await response.Content.ReadFromJsonAsync<OrderResponse>(OrdersApi.Json))!.Id);
                }

                await Task.Delay(20);
            }
        });

        await Eventually.HoldsAsync(() => accepted.Count >= 3, "No order was accepted before the outage.");
        await postgres.StopAsync();
        await Eventually.HoldsAsync(() => answers.ContainsKey(503), "No write was refused during the outage.");
        await postgres.StartAsync();
        var before = accepted.Count;
        await Eventually.HoldsAsync(
            () => accepted.Count > before, "No order was accepted after PostgreSQL came back.", TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await writer;

        Assert.Equal([201, 503], answers.Keys.Order());
        foreach (var id in accepted)
        {
            await host.WaitForStatusAsync(id, OrderStatus.Confirmed);
        }
    }
}
