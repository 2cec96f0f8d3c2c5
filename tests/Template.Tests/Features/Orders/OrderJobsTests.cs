using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Features.Orders.PurgeCancelledOrders;
using Template.Infrastructure.Jobs;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>The Orders jobs, in both modes: <see cref="OrderJobsTestsInMemory"/> and <see cref="OrderJobsTestsOnRedis"/>.</summary>
public abstract class OrderJobsTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task A_placed_order_is_confirmed_by_its_job_and_the_api_shows_it()
    {
        var placed = await Host.PlaceAsync("judy");
        Assert.Equal(OrderStatus.Placed, placed.Status);
        await Host.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);

        var read = await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(placed.Id), "judy");
        Assert.Equal(OrderStatus.Confirmed, read.Status);
        Assert.NotNull(read.ConfirmedAt);
    }

    [SkippableFact]
    public async Task Running_the_confirmation_twice_confirms_once()
    {
        var confirmed = await Host.PlaceConfirmedAsync("judy");
        await SendAsync(new SendOrderConfirmationCommand(confirmed.Id));
        await SendAsync(new SendOrderConfirmationCommand(confirmed.Id));

        var after = (await Store.FindAsync(confirmed.Id, CancellationToken.None))!;
        Assert.Equal((OrderStatus.Confirmed, confirmed.Version, confirmed.ConfirmedAt), (after.Status, after.Version, after.ConfirmedAt));
    }

    [SkippableFact]
    public async Task A_cancelled_order_is_not_confirmed()
    {
        var placed = await Host.PlaceConfirmedAsync("judy");
        var current = (await Store.FindAsync(placed.Id, CancellationToken.None))!;
        var cancelled = current.Cancel(DateTimeOffset.UtcNow);
        Assert.True(await Store.ReplaceAsync(current, cancelled, CancellationToken.None));

        await SendAsync(new SendOrderConfirmationCommand(placed.Id));
        Assert.Equal(OrderStatus.Cancelled, (await Store.FindAsync(placed.Id, CancellationToken.None))!.Status);
    }

    [SkippableFact]
    public async Task The_purge_deletes_orders_cancelled_longer_ago_than_the_setting_and_keeps_the_rest()
    {
        var now = DateTimeOffset.UtcNow;
        var old = NewOrder(OrderStatus.Cancelled, cancelledAt: now.AddDays(-31));
        var recent = NewOrder(OrderStatus.Cancelled, cancelledAt: now.AddDays(-1));
        var open = NewOrder(OrderStatus.Placed, cancelledAt: null);
        foreach (var order in new[] { old, recent, open })
        {
            await Store.AddAsync(order, CancellationToken.None);
        }

        // Through the job queue: the purge runs as the system principal with the orders.purge ability.
        var jobId = Host.Services.GetRequiredService<IJobDispatcher>().Enqueue(new PurgeCancelledOrdersCommand(), JobQueues.Low);
        await JobWaits.WaitForStateAsync(Host.Services.GetRequiredService<Hangfire.JobStorage>(), jobId, Hangfire.States.SucceededState.StateName);

        Assert.Null(await Store.FindAsync(old.Id, CancellationToken.None));
        Assert.NotNull(await Store.FindAsync(recent.Id, CancellationToken.None));
        Assert.NotNull(await Store.FindAsync(open.Id, CancellationToken.None));
        var (items, _) = await Store.ListByOwnerAsync("purge-owner", 0, 100, CancellationToken.None);
        Assert.DoesNotContain(items, o => o.Id == old.Id);
    }

    [SkippableFact]
    public async Task No_user_may_run_the_purge_not_even_an_admin()
    {
        using var scope = Host.Services.CreateScope();
        var accessor = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>();
        accessor.HttpContext = new Microsoft.AspNetCore.Http.DefaultHttpContext
        {
            User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim("sub", "ada"), new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "admin")], "test")),
        };
        var refused = await Assert.ThrowsAsync<Template.Infrastructure.Errors.ForbiddenException>(async () =>
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new PurgeCancelledOrdersCommand()));
        Assert.Contains("'orders.purge' ability", refused.Message, StringComparison.Ordinal);
        accessor.HttpContext = null;
    }

    [SkippableFact]
    public async Task A_changed_order_is_not_purged_from_a_stale_read()
    {
        var cancelled = NewOrder(OrderStatus.Cancelled, cancelledAt: DateTimeOffset.UtcNow.AddDays(-40));
        await Store.AddAsync(cancelled, CancellationToken.None);
        var changed = cancelled with { Note = "changed", Version = cancelled.Version + 1 };
        Assert.True(await Store.ReplaceAsync(cancelled, changed, CancellationToken.None));

        Assert.False(await Store.RemoveAsync(cancelled, CancellationToken.None));
        Assert.True(await Store.RemoveAsync(changed, CancellationToken.None));
    }

    private IOrderStore Store => Host.Services.OrderStore();

    // As a worker runs it: as the system principal with the abilities the command declares.
    private async Task SendAsync<TCommand>(TCommand command)
        where TCommand : ICommand
    {
        using var scope = Host.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Template.Infrastructure.Jobs.ScopeCaller>().RunAsSystem(typeof(TCommand));
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    private static Order NewOrder(OrderStatus status, DateTimeOffset? cancelledAt) => new(
        Guid.CreateVersion7(), "purge-owner", "p@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, status,
        DateTimeOffset.UtcNow.AddDays(-60), cancelledAt);
}

[Collection(SharedServiceHost.Name)]
public sealed class OrderJobsTestsInMemory(ServiceFixture service) : OrderJobsTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class OrderJobsTestsOnRedis(RedisServiceFixture service) : OrderJobsTests(service)
{
    [SkippableFact]
    public async Task A_finished_job_expires_from_redis_after_the_configured_retention()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["Jobs:FinishedJobRetention"] = "00:10:00";
        await using var host = await ServiceFixture.StartAsync("Development", settings);

        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Enqueue(new PurgeCancelledOrdersCommand(), JobQueues.Low);
        await JobWaits.WaitForStateAsync(host.Services.GetRequiredService<Hangfire.JobStorage>(), jobId, Hangfire.States.SucceededState.StateName);

        // Hangfire's own default is a day; every key of the finished job carries the configured ten minutes instead.
        var database = host.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        var prefix = settings["Jobs:RedisPrefix"];
        foreach (var key in new[] { $"{prefix}job:{jobId}", $"{prefix}job:{jobId}:history", $"{prefix}job:{jobId}:state" })
        {
            Assert.True(await database.KeyExistsAsync(key), key);
            var ttl = await database.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        }
    }
}
