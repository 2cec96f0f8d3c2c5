using Hangfire;
using Hangfire.InMemory;
using Hangfire.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Template.Infrastructure.Jobs;
using Template.Tests.Support;
using static Template.Tests.Support.JobWaits;

namespace Template.Tests.Backends;

/// <summary>How job workers are laid out and guarded: queues, roles, retries, the dashboard.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class JobsTests(ServiceFixture service, ProductionServiceFixture production)
{
    [Fact]
    public async Task Each_queue_has_its_own_workers_which_help_the_queues_below_it()
    {
        var servers = await WaitForServersAsync(service.Host, 3);
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
    public async Task A_worker_only_instance_serves_health_but_not_the_api()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { ["Jobs:Role"] = "Worker" });
        await WaitForServersAsync(host, 3);
        await host.Scenario(s =>
        {
            s.Get.Url("/api/anything");
            s.As("ivan");
            s.StatusCodeShouldBe(404);
        });
        await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(200);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ready_while_a_server_of_this_instance_beats_and_no_longer_once_it_is_silent_for_the_server_timeout(bool ours)
    {
        // Another instance's server on the same storage never makes this one ready.
        var storage = new InMemoryStorage();
        using (var connection = storage.GetConnection())
        {
            var name = (ours ? JobsSetup.ThisInstanceServerPrefix : "another-host:1:") + "default";
            connection.AnnounceServer(name, new ServerContext { Queues = ["default"], WorkerCount = 1 });
        }

        var server = Assert.Single(storage.GetMonitoringApi().Servers());
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.SpecifyKind(server.Heartbeat ?? server.StartedAt, DateTimeKind.Utc)));
        var check = new JobServerHealthCheck(storage, Options.Create(new JobsOptions { ServerTimeout = TimeSpan.FromSeconds(45) }), clock);
        async Task<HealthStatus> StatusAsync() => (await check.CheckHealthAsync(new HealthCheckContext())).Status;

        var beating = ours ? HealthStatus.Healthy : HealthStatus.Unhealthy;
        Assert.Equal(beating, await StatusAsync());
        clock.Advance(TimeSpan.FromSeconds(44));
        Assert.Equal(beating, await StatusAsync());
        // The in-memory storage reports its timestamps a few ticks apart from one read to the next, so the last step
        // is past the boundary, not on it.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync());
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

    [Theory]
    [InlineData("Development", null, null, 401)]
    [InlineData("Development", "ivan", null, 403)]
    [InlineData("Development", "root", "admin", 200)]
    [InlineData("Development", "chief", "super-admin", 200)]
    [InlineData("Production", null, null, 401)]
    public async Task The_dashboard_is_for_the_admin_policy_only_in_every_environment(string environment, string? user, string? role, int status)
    {
        var host = environment == "Production" ? production.Host : service.Host;
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
}
