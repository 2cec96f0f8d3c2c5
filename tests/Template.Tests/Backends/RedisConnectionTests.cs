using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Redis;
using Template.Tests.Infrastructure;
using Template.Tests.Support;

namespace Template.Tests.Backends;

[Slow(Suite.Redis)]
public sealed class RedisConnectionTests
{
    private const string RecurringProbeId = "redis-connection-test-probe";

    [Fact]
    public void The_shared_connection_is_set_up_to_fail_fast_and_reconnect_whatever_the_connection_string_says()
    {
        var configuration = RedisConnectionSetup.CreateConfiguration(
            "redis.example:6380,abortConnect=true,ssl=true,password=secret", new RedisOptions(), "Contoso");

        Assert.False(configuration.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, configuration.BacklogPolicy);
        Assert.Equal(2000, configuration.ConnectTimeout);
        Assert.Equal(2000, configuration.SyncTimeout);
        Assert.Equal(2000, configuration.AsyncTimeout);
        // What the connection string says about where and how to connect is kept.
        Assert.True(configuration.Ssl);
        Assert.Equal("secret", configuration.Password);
        Assert.Equal("Contoso", configuration.ClientName);
    }

    [SkippableFact]
    public async Task The_service_starts_while_redis_is_down_and_becomes_ready_once_redis_is_up()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        await redis.StopAsync();
        await using var host = await ServiceFixture.StartAsync(
            "Development",
            await ServiceFixture.RedisSettingsAsync(redis.ConnectionString),
            services => services.AddRecurringJob(RecurringProbeId, Cron.Yearly(), new ChangeProbe("yearly")));

        await host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.StatusCodeShouldBe(200);
        });
        await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(503);
        });

        await redis.StartAsync();
        await host.WaitForStatusAsync("/health/ready", 200, within: TimeSpan.FromSeconds(150));

        // The recurring jobs, which could not be written at start-up, are registered once Redis answers.
        await Eventually.HoldsAsync(() =>
        {
            using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
            return connection.GetRecurringJobs().Any(j => j.Id == RecurringProbeId);
        }, "The recurring job was not registered once Redis answered.");
    }

}
