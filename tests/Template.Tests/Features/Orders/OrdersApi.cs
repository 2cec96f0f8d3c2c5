using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Infrastructure.Persistence;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Shortcuts the Orders tests share.</summary>
public static class OrdersApi
{
    /// <summary>The host's order store on a database context of its own, as a request's scope would have.</summary>
    public static IOrderStore OrderStore(this IServiceProvider services) =>
        new DatabaseOrderStore(services.GetRequiredService<IDbContextFactory<ServiceDb>>().CreateDbContext());

    /// <summary>How the API writes JSON (web defaults, enums as names), for clients other than Alba's.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json =
        new(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>
    /// Places an order with a plain client while a backend is down and asserts the answer: 503 problem+json with
    /// <c>Retry-After</c>. Returns the client, signed in as <paramref name="user"/>, for the reads that follow.
    /// </summary>
    public static async Task<HttpClient> PlaceWhileDownAsync(
        this IAlbaHost host, string user, CancellationToken cancellationToken)
    {
        var client = host.ClientAs(user);
        var place = await client.PostAsJsonAsync("/api/orders", ValidOrder(), cancellationToken);
        Assert.Equal(503, (int)place.StatusCode);
        Assert.Equal("application/problem+json", place.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(place.Headers.RetryAfter);
        return client;
    }

    /// <summary>A plain client of the host (not Alba's), calling as <paramref name="user"/>.</summary>
    public static HttpClient ClientAs(this IAlbaHost host, string user)
    {
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Add(
            Template.Infrastructure.Security.DevelopmentAuthenticationHandler.UserHeader, user);
        return client;
    }

    public static PlaceOrderCommand ValidOrder(string email = "buyer@example.com") =>
        new(email, [new PlaceOrderLine("SKU-001", 2), new PlaceOrderLine("SKU-002", 1)], "EUR", "Leave at the door");

    public static async Task<OrderResponse> PlaceAsync(this IAlbaHost host, string user, PlaceOrderCommand? order = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(order ?? ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.As(user);
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<OrderResponse>())!;
    }

    public static string OrderUrl(Guid id) => $"/api/orders/{id}";

    private static string DescribeJobs(IAlbaHost host)
    {
        var monitoring = host.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var statistics = monitoring.GetStatistics();
        var failures = monitoring.FailedJobs(0, 3).Select(f => f.Value.ExceptionMessage);
        return $"servers {statistics.Servers}, enqueued {statistics.Enqueued}, processing {statistics.Processing}, " +
            $"scheduled {statistics.Scheduled}, failed {statistics.Failed} ({string.Join(" | ", failures)})";
    }

    public static async Task<T> GetJsonAsync<T>(this IAlbaHost host, string url, string user)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.As(user);
            s.StatusCodeShouldBe(200);
        });
        return (await result.ReadAsJsonAsync<T>())!;
    }

    /// <summary>
    /// Places an order and waits until its confirmation job has run, so a test that then changes the order
    /// does not race the job. Bounded: a job that never runs fails the test (<see cref="Eventually"/>).
    /// </summary>
    public static async Task<Order> PlaceConfirmedAsync(this IAlbaHost host, string user)
    {
        var placed = await host.PlaceAsync(user);
        return await host.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);
    }

    public static async Task<Order> WaitForStatusAsync(this IAlbaHost host, Guid id, OrderStatus status, TimeSpan? within = null)
    {
        var store = host.Services.OrderStore();
        Order? order = null;
        await Eventually.HoldsAsync(
            async () => (order = await store.FindAsync(id, CancellationToken.None))?.Status == status,
            () => $"Order {id} is {order?.Status.ToString() ?? "missing"}, not {status}. Jobs: {DescribeJobs(host)}",
            within);
        return order!;
    }
}
