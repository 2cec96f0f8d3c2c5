using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Infrastructure.Jobs;
using Template.Tests.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Backends;

/// <summary>How queued jobs are run: queues, roles, retries, the failed state, the dashboard, schedules.</summary>
public sealed class JobsTests
{
    [Fact]
    public async Task Each_queue_has_its_own_workers_which_help_the_queues_below_it()
    {
        await using var host = await ServiceFixture.StartAsync("Development");
        var servers = await WaitForServersAsync(host, 3);
        Assert.Equal(
            ["critical,default,low", "default,low", "low"],
            servers.Select(s => string.Join(',', s.Queues)).Order(StringComparer.Ordinal));
        Assert.Equal([2, 5, 1], servers.OrderBy(s => s.Queues.Count).Reverse().Select(s => s.WorkersCount));
    }

    [Fact]
    public async Task Queues_and_worker_counts_come_from_configuration()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Jobs:Queues:0:Name"] = "urgent",
            ["Jobs:Queues:0:Workers"] = "3",
            ["Jobs:Queues:1:Name"] = "default",
            ["Jobs:Queues:1:Workers"] = "1",
        });
        var servers = await WaitForServersAsync(host, 2);
        Assert.Contains(servers, s => s.Queues.SequenceEqual(["urgent", "default"]) && s.WorkersCount == 3);
        Assert.Contains(servers, s => s.Queues.SequenceEqual(["default"]) && s.WorkersCount == 1);
    }

    [Fact]
    public async Task An_api_only_instance_accepts_work_and_leaves_it_queued_for_workers()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { ["Jobs:Role"] = "Api" });
        var placed = await host.PlaceAsync("ivan");
        var storage = host.Services.GetRequiredService<JobStorage>();

        Assert.Empty(storage.GetMonitoringApi().Servers());
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount(JobQueues.Default));
        Assert.Equal(OrderStatus.Placed, (await host.Services.GetRequiredService<IOrderStore>().FindAsync(placed.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_worker_only_instance_serves_health_but_not_the_api()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { ["Jobs:Role"] = "Worker" });
        await WaitForServersAsync(host, 3);
        await host.Scenario(s =>
        {
            s.Get.Url(OrdersApi.OrderUrl(Guid.NewGuid()));
            s.As("ivan");
            s.StatusCodeShouldBe(404);
        });
        await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task A_failing_job_is_retried_after_the_back_off_and_then_succeeds()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Jobs:Retry:BaseDelay"] = "00:00:01",
            ["Jobs:SchedulePollingInterval"] = "00:00:01",
            ["Orders:ConfirmationLockTimeout"] = "00:00:00.200",
        });
        var store = host.Services.GetRequiredService<IOrderStore>();
        var order = new Order(Guid.CreateVersion7(), "ivan", "i@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, OrderStatus.Placed, DateTimeOffset.UtcNow);
        await store.AddAsync(order, CancellationToken.None);

        // Another run holds the order's lock, so this one cannot proceed and fails.
        var held = await host.Services.GetRequiredService<IDistributedLockProvider>()
            .CreateLock($"orders:{order.Id}:confirmation").AcquireAsync();
        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Enqueue(new SendOrderConfirmationCommand(order.Id));
        var storage = host.Services.GetRequiredService<JobStorage>();
        var retry = await WaitForStateAsync(storage, jobId, ScheduledState.StateName);
        Assert.Contains("Retry attempt 1 of 8", retry.Reason, StringComparison.Ordinal);

        await held.DisposeAsync();
        await WaitForStateAsync(storage, jobId, SucceededState.StateName);
        Assert.Equal(OrderStatus.Confirmed, (await store.FindAsync(order.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_cap()
    {
        var retry = new JobRetryOptions { BaseDelay = TimeSpan.FromSeconds(15), MaxDelay = TimeSpan.FromMinutes(2) };
        Assert.Equal([15, 30, 60, 120, 120], new long[] { 1, 2, 3, 4, 5 }.Select(a => retry.DelayBefore(a).TotalSeconds));

        var filter = JobsSetup.CreateFilters(retry).GetFilters(null).Select(f => f.Instance).OfType<AutomaticRetryAttribute>().Single();
        Assert.Equal(retry.Attempts, filter.Attempts);
        Assert.Equal(AttemptsExceededAction.Fail, filter.OnAttemptsExceeded);
        Assert.Equal(60, filter.DelayInSecondsByAttemptFunc(3));
    }

    [Fact]
    public async Task An_invalid_command_fails_at_once_is_visible_on_the_dashboard_and_can_be_requeued()
    {
        await using var host = await ServiceFixture.StartAsync("Development");
        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Enqueue(new SendOrderConfirmationCommand(Guid.Empty));
        var storage = host.Services.GetRequiredService<JobStorage>();
        var failed = await WaitForStateAsync(storage, jobId, FailedState.StateName);
        Assert.Contains("RequestValidationException", failed.Data["ExceptionType"], StringComparison.Ordinal);

        var page = await host.Scenario(s =>
        {
            s.Get.Url($"{JobsSetup.DashboardPath}/jobs/failed");
            s.As("root", "admin");
            s.StatusCodeShouldBe(200);
        });
        Assert.Contains($"jobs/details/{jobId}", await page.ReadAsTextAsync(), StringComparison.Ordinal);

        Assert.True(host.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId));
        await WaitForAsync(() => storage.GetMonitoringApi().JobDetails(jobId).History.Count(h => h.StateName == FailedState.StateName) == 2);
    }

    [Fact]
    public async Task A_scheduled_command_waits_in_the_scheduled_state()
    {
        await using var host = await ServiceFixture.StartAsync("Development");
        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Schedule(new SendOrderConfirmationCommand(Guid.NewGuid()), TimeSpan.FromHours(1));
        var state = host.Services.GetRequiredService<JobStorage>().GetConnection().GetStateData(jobId);
        Assert.Equal(ScheduledState.StateName, state.Name);
        var enqueueAt = JobHelper.DeserializeDateTime(state.Data["EnqueueAt"]);
        Assert.InRange(enqueueAt - DateTime.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task The_recurring_purge_is_registered_hourly()
    {
        await using var host = await ServiceFixture.StartAsync("Development");
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        var purge = Assert.Single(connection.GetRecurringJobs(), j => j.Id == OrdersModule.PurgeJobId);
        Assert.Equal(Cron.Hourly(), purge.Cron);
        Assert.Equal(JobQueues.Low, purge.Job.Queue);
    }

    [Theory]
    [InlineData("Development", null, null, 401)]
    [InlineData("Development", "ivan", null, 403)]
    [InlineData("Development", "root", "admin", 200)]
    [InlineData("Production", null, null, 401)]
    public async Task The_dashboard_is_for_the_admin_policy_only_in_every_environment(string environment, string? user, string? role, int status)
    {
        await using var host = await ServiceFixture.StartAsync(environment);
        await host.Scenario(s =>
        {
            s.Get.Url(JobsSetup.DashboardPath);
            if (user is not null)
            {
                s.As(user, role is null ? [] : [role]);
            }

            s.StatusCodeShouldBe(status);
        });
    }

    internal static async Task<IReadOnlyList<Hangfire.Storage.Monitoring.ServerDto>> WaitForServersAsync(IAlbaHost host, int count)
    {
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await WaitForAsync(() => monitoring.Servers().Count >= count);
        return [.. monitoring.Servers()];
    }

    internal static async Task<Hangfire.Storage.StateData> WaitForStateAsync(JobStorage storage, string jobId, string state, int seconds = 30)
    {
        using var connection = storage.GetConnection();
        await WaitForAsync(() => connection.GetStateData(jobId)?.Name == state, seconds);
        return connection.GetStateData(jobId);
    }

    internal static async Task WaitForAsync(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(50);
        }
    }
}
