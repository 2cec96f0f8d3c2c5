using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Template.Features.Orders;
using Template.Infrastructure.Events;
using Template.Infrastructure.Persistence;
using Template.Infrastructure.Security;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// PlaceOrder commits the order and its <see cref="OrderPlaced"/> outbox row together; the confirmation listener
/// runs once the row reaches the job queue, whatever happened to the queue or the instance in between. On SQLite
/// and on PostgreSQL.
/// </summary>
public abstract class OrderOutboxTests
{
    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    [SkippableFact]
    public async Task An_order_placed_while_the_job_queue_refuses_is_kept_and_confirmed_once_the_queue_takes_it()
    {
        await using var host = await ServiceFixture.StartAsync("Development", await SettingsAsync(), GatedJobQueue.Use);
        var queue = host.Services.GetRequiredService<GatedJobQueue>();

        var placed = await host.PlaceAsync("olga");
        var row = await RowAsync(host, placed.Id);
        Assert.Null(row.JobId);
        Assert.Null(row.CompletedAt);
        Assert.Equal(OrderStatus.Placed, (await host.Services.OrderStore().FindAsync(placed.Id, default))!.Status);

        queue.Open = true;
        var confirmed = await host.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);
        Assert.Equal(2, confirmed.Version);
        row = await RowAsync(host, placed.Id);
        Assert.NotNull(row.CompletedAt);
        Assert.Equal([row.Id], queue.HandedOver);
    }

    [SkippableFact]
    public Task A_job_left_queued_without_starting_past_the_stall_limit_is_handed_over_again() =>
        AssertStalledJobHandedOverAgainAsync(leave: (_, _) => { });

    [SkippableFact]
    public Task A_job_left_marked_running_with_no_worker_past_the_stall_limit_is_handed_over_again() =>
        AssertStalledJobHandedOverAgainAsync(leave: (storage, job) =>
        {
            // What a failover leaves when the old primary lost what a worker wrote after it started the job.
            using var connection = storage.GetConnection();
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetJobState(job, new LeftRunning());
            transaction.Commit();
        });

    // An order's job left by leave as a failover can leave it, with no worker to take it (as none does when the job
    // is marked queued in no queue, or marked running): its row must be handed over again, the job left alone.
    private async Task AssertStalledJobHandedOverAgainAsync(Action<JobStorage, string> leave)
    {
        var settings = await SettingsAsync();
        settings["Outbox:RecheckAfter"] = "00:00:01";
        settings["Outbox:StalledAfter"] = "00:00:02";
        settings["Jobs:Role"] = "Api";
        await using var host = await ServiceFixture.StartAsync("Development", settings);
        var placed = await host.PlaceAsync("olga");
        string? first = null;
        await Eventually.HoldsAsync(
            async () => (first = (await RowAsync(host, placed.Id)).JobId) is not null,
            () => "The row was not handed to the job queue.");
        var storage = host.Services.GetRequiredService<JobStorage>();
        leave(storage, first!);
        string? stateLeft;
        using (var connection = storage.GetConnection())
        {
            stateLeft = connection.GetJobData(first!)!.State;
        }

        OutboxMessage row = null!;
        await Eventually.HoldsAsync(
            async () => (row = await RowAsync(host, placed.Id)).JobId is { } job && job != first,
            () => $"The row was handed over {row.Dispatches} time(s).");
        Assert.Equal(2, row.Dispatches);
        Assert.Null(row.CompletedAt);
        using (var connection = storage.GetConnection())
        {
            Assert.Equal(stateLeft, connection.GetJobData(first!)!.State);
        }
    }

    [SkippableFact]
    public async Task A_row_committed_by_an_instance_that_stopped_before_dispatching_is_run_once_after_a_restart()
    {
        var settings = await SettingsAsync();
        OrderResponse placed;
        await using (var stopped = await ServiceFixture.StartAsync("Development", settings, GatedJobQueue.Use))
        {
            placed = await stopped.PlaceAsync("olga");
            Assert.Null((await RowAsync(stopped, placed.Id)).JobId);
        }

        await using var restarted = await ServiceFixture.StartAsync("Development", settings);
        var confirmed = await restarted.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);
        Assert.Equal(2, confirmed.Version);
        Assert.NotNull((await RowAsync(restarted, placed.Id)).CompletedAt);
        // The dispatcher records the job's id once the queue took the job, which can be after the job ran.
        await Eventually.HoldsAsync(
            async () => (await RowAsync(restarted, placed.Id)).JobId is not null,
            () => "The restarted instance did not record the job it handed the row to.");
    }

    [SkippableFact]
    public async Task Runs_of_one_row_at_once_and_after_it_completed_change_the_order_once()
    {
        await using var host = await ServiceFixture.StartAsync("Development", await SettingsAsync(), GatedJobQueue.Use);
        var placed = await host.PlaceAsync("olga");
        var row = await RowAsync(host, placed.Id);

        async Task RunAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            await ActivatorUtilities.CreateInstance<OutboxJob>(scope.ServiceProvider)
                .RunAsync(row.Listener, row.Id, CancellationToken.None);
        }

        await Task.WhenAll(RunAsync(), RunAsync());
        await RunAsync();

        var order = await host.Services.OrderStore().FindAsync(placed.Id, default);
        Assert.Equal((OrderStatus.Confirmed, 2), (order!.Status, order.Version));
        Assert.NotNull((await RowAsync(host, placed.Id)).CompletedAt);
    }

    internal static Task<OutboxMessage> RowAsync(IAlbaHost host, Guid orderId) =>
        RowAsync(host.Services.GetRequiredService<IDbContextFactory<ServiceDb>>(), orderId);

    // Hangfire's ProcessingState cannot be made outside it; this is what a worker writes when it starts a job.
    private sealed class LeftRunning : IState
    {
        public string Name => ProcessingState.StateName;

        public string? Reason => null;

        public bool IsFinal => false;

        public bool IgnoreJobLoadException => false;

        public Dictionary<string, string> SerializeData() => new()
        {
            ["StartedAt"] = JobHelper.SerializeDateTime(DateTime.UtcNow),
            ["ServerId"] = "a-server-that-lost-its-writes",
            ["WorkerId"] = "a-worker",
        };
    }

    /// <summary>The one outbox row raised for the order.</summary>
    internal static async Task<OutboxMessage> RowAsync(IDbContextFactory<ServiceDb> databases, Guid orderId)
    {
        await using var db = await databases.CreateDbContextAsync();
        var rows = await db.Set<OutboxMessage>().AsNoTracking().ToListAsync();
        return Assert.Single(rows, r => r.Payload.Contains(orderId.ToString(), StringComparison.Ordinal));
    }
}

public sealed class OrderOutboxTestsOnSqlite : OrderOutboxTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["ConnectionStrings:Sqlite"] = TestDatabases.Sqlite() });
}

[Slow(Suite.Redis)]
public sealed class OrderOutboxTestsOnPostgres : OrderOutboxTests
{
    protected override async Task<Dictionary<string, string?>> SettingsAsync() => new()
    {
        ["ConnectionStrings:Postgres"] = (await PostgresServer.RequireSharedAsync()).NewDatabase(),
    };
}

/// <summary>Several instances on one PostgreSQL and one Redis, and a Redis that loses its queue.</summary>
[Slow(Suite.Redis)]
public sealed class OrderOutboxOnSharedBackendsTests
{
    [SkippableFact]
    public async Task Two_instances_dispatching_the_same_rows_hand_each_over_once()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        await using var first = await ServiceFixture.StartAsync("Development", settings, GatedJobQueue.Use);
        await using var second = await ServiceFixture.StartAsync("Development", settings, GatedJobQueue.Use);

        // Rows pile up on both instances while their queues refuse, then both dispatchers race for all of them.
        var placed = new List<OrderResponse>();
        for (var i = 0; i < 12; i++)
        {
            placed.Add(await (i % 2 == 0 ? first : second).PlaceAsync("olga"));
        }

        var queues = new[] { first, second }.Select(h => h.Services.GetRequiredService<GatedJobQueue>()).ToList();
        queues.ForEach(q => q.Open = true);
        foreach (var order in placed)
        {
            Assert.Equal(2, (await first.WaitForStatusAsync(order.Id, OrderStatus.Confirmed)).Version);
        }

        var handedOver = queues.SelectMany(q => q.HandedOver).ToList();
        Assert.Equal(placed.Count, handedOver.Count);
        Assert.Equal(placed.Count, handedOver.Distinct().Count());
    }

    [SkippableFact]
    [Slow(Suite.Process)]
    public async Task A_service_killed_after_committing_an_order_it_could_not_hand_over_runs_its_job_once_after_a_restart()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        var database = await TestDatabases.MigratedAsync(settings);

        // Redis is away: the order and its outbox row are committed to PostgreSQL, the hand-over to the queue fails.
        await redis.StopAsync();
        Guid id;
        await using (var killed = ServiceProcess.Start(settings, "Development"))
        {
            using var client = await killed.WaitUntilLiveAsync();
            client.DefaultRequestHeaders.Add(DevelopmentAuthenticationHandler.UserHeader, "olga");
            var placed = await client.PostAsJsonAsync("/api/orders", OrdersApi.ValidOrder());
            Assert.True(placed.StatusCode == HttpStatusCode.Created, $"{placed.StatusCode}: {killed.Tail()}");
            id = (await placed.Content.ReadFromJsonAsync<OrderResponse>(OrdersApi.Json))!.Id;
            killed.Kill();
        }

        Assert.Null((await OrderOutboxTests.RowAsync(database, id)).JobId);
        await redis.StartAsync();
        await using var restarted = ServiceProcess.Start(settings, "Development");
        using var again = await restarted.WaitUntilLiveAsync();
        again.DefaultRequestHeaders.Add(DevelopmentAuthenticationHandler.UserHeader, "olga");
        OrderResponse? read = null;
        await Eventually.HoldsAsync(
            async () => (read = await again.GetFromJsonAsync<OrderResponse>(OrdersApi.OrderUrl(id), OrdersApi.Json))!
                .Status == OrderStatus.Confirmed,
            () => $"Order {id} is {read?.Status}:\n{restarted.Tail()}");
        Assert.Equal(2, read!.Version);
        Assert.NotNull((await OrderOutboxTests.RowAsync(database, id)).CompletedAt);
    }

    [SkippableFact]
    public async Task A_job_lost_when_Redis_was_flushed_before_it_ran_is_queued_again_and_runs_once()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["Outbox:RecheckAfter"] = "00:00:01";
        // An API-only instance queues the job; no worker runs it before the flush.
        await using var api = await ServiceFixture.StartAsync(
            "Development", new Dictionary<string, string?>(settings) { ["Jobs:Role"] = "Api" });
        var placed = await api.PlaceAsync("olga");
        string? lostJob = null;
        await Eventually.HoldsAsync(
            async () => (lostJob = (await OrderOutboxTests.RowAsync(api, placed.Id)).JobId) is not null,
            () => "The row was not handed to the job queue.");

        using (var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true"))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
        }

        await using var worker = await ServiceFixture.StartAsync(
            "Development", new Dictionary<string, string?>(settings) { ["Jobs:Role"] = "Worker" });
        var confirmed = await api.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);
        Assert.Equal(2, confirmed.Version);
        var row = await OrderOutboxTests.RowAsync(api, placed.Id);
        Assert.NotNull(row.CompletedAt);
        Assert.NotEqual(lostJob, row.JobId);
        Assert.True(row.Dispatches >= 2, $"Handed over {row.Dispatches} time(s).");
    }
}

/// <summary>
/// The job queue as the outbox dispatcher sees it, refusing every job until <see cref="Open"/> (a Redis outage, or
/// an instance that stops before it dispatches), and recording which outbox rows it took.
/// </summary>
internal sealed class GatedJobQueue(JobStorage storage, IJobFilterProvider filters) : IBackgroundJobClientV2
{
    private readonly BackgroundJobClient inner = new(storage, filters);
    private readonly ConcurrentQueue<Guid> handedOver = new();

    public volatile bool Open;

    public IReadOnlyList<Guid> HandedOver => [.. handedOver];

    public JobStorage Storage => storage;

    public static void Use(IServiceCollection services)
    {
        services.AddSingleton<GatedJobQueue>();
        services.AddSingleton<IBackgroundJobClientV2>(p => p.GetRequiredService<GatedJobQueue>());
    }

    public string Create(Job job, IState state) => Create(job, state, null);

    public string Create(Job job, IState state, IDictionary<string, object>? parameters)
    {
        if (!Open)
        {
            throw new InvalidOperationException("The job queue refused the job.");
        }

        var id = inner.Create(job, state, parameters);
        if (job.Type == typeof(OutboxJob))
        {
            handedOver.Enqueue((Guid)job.Args[1]);
        }

        return id;
    }

    public bool ChangeState(string jobId, IState state, string expectedState) =>
        inner.ChangeState(jobId, state, expectedState);
}
