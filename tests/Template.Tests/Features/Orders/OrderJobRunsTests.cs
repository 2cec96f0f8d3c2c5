using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Infrastructure.Jobs;
using Template.Tests.Support;
using static Template.Tests.Support.JobWaits;

namespace Template.Tests.Features.Orders;

/// <summary>The Orders commands as Hangfire runs them: queued, retried, failed, scheduled, recurring.</summary>
public sealed class OrderJobRunsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task An_api_only_instance_accepts_work_and_leaves_it_queued_for_workers()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { ["Jobs:Role"] = "Api" });
        var placed = await host.PlaceAsync("ivan");
        var storage = host.Services.GetRequiredService<JobStorage>();

        Assert.Empty(storage.GetMonitoringApi().Servers());
        // The outbox hands the confirmation to the queue just after the order is committed.
        await Eventually.HoldsAsync(
            () => storage.GetMonitoringApi().EnqueuedCount(JobQueues.Default) == 1, "The confirmation was not queued.");
        Assert.Equal(OrderStatus.Placed, (await host.Services.OrderStore().FindAsync(placed.Id, CancellationToken.None))!.Status);
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
        var store = host.Services.OrderStore();
        var order = new Order(Guid.CreateVersion7(), "ivan", "i@example.com", [new OrderLine("SKU-1", 1)], "EUR", null, OrderStatus.Placed, DateTimeOffset.UtcNow);
        await store.AddAsync(order, CancellationToken.None);

        // Another run holds the order's lock, so this one cannot proceed and fails.
        var held = await host.Services.GetRequiredService<IDistributedLockProvider>()
            .CreateLock($"orders:{order.Id}:confirmation").AcquireAsync();
        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Enqueue(new SendOrderConfirmationCommand(order.Id));
        var storage = host.Services.GetRequiredService<JobStorage>();
        await WaitForStateAsync(storage, jobId, ScheduledState.StateName);
        // Read from the history: on a loaded machine the next attempt may already have failed by now.
        var reasons = storage.GetMonitoringApi().JobDetails(jobId).History.Select(h => h.Reason ?? "").ToList();
        Assert.Contains(reasons, r => r.Contains("Retry attempt 1 of 8", StringComparison.Ordinal));

        await held.DisposeAsync();
        await WaitForStateAsync(storage, jobId, SucceededState.StateName);
        Assert.Equal(OrderStatus.Confirmed, (await store.FindAsync(order.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task An_invalid_command_fails_at_once_is_visible_on_the_dashboard_and_can_be_requeued()
    {
        var host = service.Host;
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
        await Eventually.HoldsAsync(
            () => storage.GetMonitoringApi().JobDetails(jobId).History.Count(h => h.StateName == FailedState.StateName) == 2,
            "The requeued job did not fail a second time.");
    }

    [Fact]
    public async Task A_scheduled_command_waits_in_the_scheduled_state()
    {
        var host = service.Host;
        var jobId = host.Services.GetRequiredService<IJobDispatcher>().Schedule(new SendOrderConfirmationCommand(Guid.NewGuid()), TimeSpan.FromHours(1));
        var state = host.Services.GetRequiredService<JobStorage>().GetConnection().GetStateData(jobId);
        Assert.Equal(ScheduledState.StateName, state.Name);
        var enqueueAt = JobHelper.DeserializeDateTime(state.Data["EnqueueAt"]);
        Assert.InRange(enqueueAt - DateTime.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task The_recurring_purge_is_registered_hourly()
    {
        var host = service.Host;
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        // Registration runs in the background once the instance has started.
        await Eventually.HoldsAsync(() => connection.GetRecurringJobs().Any(j => j.Id == OrdersModule.PurgeJobId), "The purge was not registered.");
        var purge = Assert.Single(connection.GetRecurringJobs(), j => j.Id == OrdersModule.PurgeJobId);
        Assert.Equal(Cron.Hourly(), purge.Cron);
        Assert.Equal(JobQueues.Low, purge.Job.Queue);
    }
}
