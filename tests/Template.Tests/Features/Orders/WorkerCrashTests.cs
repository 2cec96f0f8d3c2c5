using Hangfire;
using Hangfire.Redis.StackExchange;
using Hangfire.States;
using Medallion.Threading.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Infrastructure.Jobs;
using Template.Tests.Support;
using Order = Template.Features.Orders.Order;

namespace Template.Tests.Features.Orders;

/// <summary>
/// A real worker process of the service is killed with SIGKILL in the middle of a job. A test host cannot
/// show this: the process, its threads and its Redis connections must really vanish.
/// </summary>
[Slow(Suite.Redis)]
[Slow(Suite.Process)]
public sealed class WorkerCrashTests
{
    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task A_job_whose_worker_was_killed_runs_again_after_a_restart_and_completes()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        var prefix = $"k{Guid.NewGuid():N}"[..12];
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString, prefix);
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        // The worker process works on the test's database: migrated here so that the order can be added first.
        var store = new DatabaseOrderStore((await TestDatabases.MigratedAsync(settings)).CreateDbContext());
        var order = new Order(Guid.CreateVersion7(), "nora", "n@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, OrderStatus.Placed, DateTimeOffset.UtcNow);
        await store.AddAsync(order, CancellationToken.None);

        // The test holds the order's confirmation lock, so the worker's run blocks inside the handler.
        var locks = new RedisDistributedSynchronizationProvider(connection.GetDatabase().WithKeyPrefix($"{prefix}:locks:"));
        var held = await locks.CreateLock($"orders:{order.Id}:confirmation").AcquireAsync(TimeSpan.FromSeconds(10));

        var storage = new RedisStorage(connection, new RedisStorageOptions { Prefix = settings["Jobs:RedisPrefix"]! });
        JobsSetup.ConfigureSerialization(GlobalConfiguration.Configuration);
        var jobId = new BackgroundJobClient(storage).Create(
            HangfireJobDispatcher.JobFor(new SendOrderConfirmationCommand(order.Id), JobQueues.Default),
            new EnqueuedState(JobQueues.Default));

        await using (var first = ServiceProcess.Start(WorkerSettings(settings)))
        {
            await JobWaits.WaitForStateAsync(storage, jobId, ProcessingState.StateName);
            first.Kill();
        }

        await held.DisposeAsync();
        // The restarted worker takes the job back from a worker it finds dead, one silent for Jobs:ServerTimeout; it
        // starts once the killed one is (this Redis holds no other servers), so the job is taken back at once.
        var monitoring = storage.GetMonitoringApi();
        await Eventually.HoldsAsync(
            () => monitoring.Servers().All(s => DateTime.UtcNow - (s.Heartbeat ?? s.StartedAt) > ServerTimeout),
            "The killed worker's heartbeat did not stop.");

        await using var second = ServiceProcess.Start(WorkerSettings(settings));
        try
        {
            await JobWaits.WaitForStateAsync(storage, jobId, SucceededState.StateName, within: TimeSpan.FromSeconds(150));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nRestarted worker said:\n{second.Tail()}");
        }

        Assert.Equal(OrderStatus.Confirmed, (await store.FindAsync(order.Id, CancellationToken.None))!.Status);
    }

    [SkippableFact]
    public async Task A_stopping_instance_hands_its_running_job_back_to_the_queue_for_another_instance()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["Orders:ConfirmationLockTimeout"] = "00:02:00";
        settings["Jobs:ShutdownTimeout"] = "00:00:02";

        var stopping = await ServiceFixture.StartAsync("Development", settings);
        var store = stopping.Services.OrderStore();
        var order = new Order(Guid.CreateVersion7(), "nora", "n@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, OrderStatus.Placed, DateTimeOffset.UtcNow);
        await store.AddAsync(order, CancellationToken.None);
        // Held and observed through a connection of the test's own: the stopping host closes its connection.
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var held = await new RedisDistributedSynchronizationProvider(connection.GetDatabase().WithKeyPrefix($"{settings["Redis:KeyPrefix"]}locks:"))
            .CreateLock($"orders:{order.Id}:confirmation").AcquireAsync();
        var storage = new RedisStorage(connection, new RedisStorageOptions { Prefix = settings["Jobs:RedisPrefix"]! });
        var jobId = stopping.Services.GetRequiredService<IJobDispatcher>().Enqueue(new SendOrderConfirmationCommand(order.Id));
        await JobWaits.WaitForStateAsync(storage, jobId, ProcessingState.StateName);

        // Graceful stop: the running job is cancelled after the shutdown timeout and goes back to its queue.
        await stopping.DisposeAsync();
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount(JobQueues.Default));

        await held.DisposeAsync();
        await using var next = await ServiceFixture.StartAsync("Development", settings);
        await JobWaits.WaitForStateAsync(storage, jobId, SucceededState.StateName);
        Assert.Equal(OrderStatus.Confirmed, (await next.Services.OrderStore().FindAsync(order.Id, CancellationToken.None))!.Status);
    }

    private static Dictionary<string, string?> WorkerSettings(IDictionary<string, string?> settings) => new(settings)
    {
        ["Jobs:Role"] = "Worker",
        ["Jobs:HeartbeatInterval"] = "00:00:01",
        ["Jobs:ServerTimeout"] = ServerTimeout.ToString(),
        ["Jobs:ServerCheckInterval"] = "00:00:01",
        ["Orders:ConfirmationLockTimeout"] = "00:02:00",
    };
}
