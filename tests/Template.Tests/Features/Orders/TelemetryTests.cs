using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Traces and metrics reach an OTLP collector when one is configured. Each case runs the service as its own
/// process: OpenTelemetry's instrumentations keep process-wide state, so hosts sharing a test process would
/// disturb each other's export in ways a deployed service never sees.
/// </summary>
[Slow(Suite.Process)]
public sealed class TelemetryTests
{

    [Fact]
    public async Task Http_pipeline_and_job_spans_and_request_metrics_are_exported_by_otlp()
    {
        await using var collector = await FakeCollector.StartAsync();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = collector.Address }, "Development");
        await PlaceAndConfirmAsync(service);
        // Stopping the service flushes every exporter.
        await service.StopAsync();

        var traces = collector.Received("/v1/traces");
        Assert.True(traces.Contains("POST /api/orders", StringComparison.Ordinal), $"Received {collector.Paths}; service said:\n{service.Tail()}");
        Assert.Contains(nameof(Template.Features.Orders.PlaceOrder.PlaceOrderCommand), traces, StringComparison.Ordinal);
        Assert.Contains("job ConfirmPlacedOrder", traces, StringComparison.Ordinal);
        Assert.Contains("requests.duration", collector.Received("/v1/metrics"), StringComparison.Ordinal);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task Redis_commands_are_traced_in_redis_mode()
    {
        var redis = await RedisServer.RequireSharedAsync();
        await using var collector = await FakeCollector.StartAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["Telemetry:OtlpEndpoint"] = collector.Address;
        await using var service = ServiceProcess.Start(settings, "Development");
        await PlaceAndConfirmAsync(service);
        await service.StopAsync();

        var traces = collector.Received("/v1/traces");
        Assert.Contains("redis", traces, StringComparison.Ordinal);
        Assert.Contains("HSET", traces, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported_and_the_service_runs()
    {
        await using var collector = await FakeCollector.StartAsync();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>(), "Development");
        await PlaceAndConfirmAsync(service);
        await service.StopAsync();
        Assert.Equal("", collector.Paths);
        Assert.DoesNotContain("OpenTelemetry", service.Tail(), StringComparison.Ordinal);
    }

    private static async Task PlaceAndConfirmAsync(ServiceProcess service)
    {
        using var client = await service.WaitUntilLiveAsync();
        client.DefaultRequestHeaders.Add("X-Dev-User", "olga");
        var placed = await client.PostAsJsonAsync("/api/orders", OrdersApi.ValidOrder());
        Assert.True(placed.IsSuccessStatusCode, $"{placed.StatusCode}: {service.Tail()}");
        var order = (await placed.Content.ReadFromJsonAsync<OrderResponse>(OrdersApi.Json))!;
        await Eventually.HoldsAsync(
            async () => (await client.GetFromJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), OrdersApi.Json))!.Status == OrderStatus.Confirmed,
            () => $"Order {order.Id} was not confirmed:\n{service.Tail()}");
    }

    /// <summary>Accepts OTLP/HTTP posts on a loopback port and keeps their bodies (protobuf strings are plain UTF-8).</summary>
    private sealed class FakeCollector : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, ConcurrentBag<byte[]>> bodies = new(StringComparer.Ordinal);
        private WebApplication app = null!;

        public string Address { get; private set; } = "";

        public static async Task<FakeCollector> StartAsync()
        {
            var collector = new FakeCollector();
            (collector.app, collector.Address) = await Loopback.StartAppAsync(app =>
                app.MapPost("/v1/{signal}", async (HttpContext context) =>
                {
                    using var buffer = new MemoryStream();
                    await context.Request.Body.CopyToAsync(buffer);
                    collector.bodies.GetOrAdd(context.Request.Path, _ => []).Add(buffer.ToArray());
                    return Results.Ok();
                }));
            return collector;
        }

        public string Paths => string.Join(",", bodies.Keys);

        public string Received(string path) =>
            string.Join('\n', bodies.GetValueOrDefault(path, []).Select(b => Encoding.UTF8.GetString(b)));

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
