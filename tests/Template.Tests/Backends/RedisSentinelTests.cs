using Template.Tests.Support;
using Xunit.Abstractions;

namespace Template.Tests.Backends;

/// <summary>
/// The service on a primary with two replicas watched by three Sentinels: two instances work as one service, and
/// a failover, ordered through Sentinel or after the primary is killed, loses no accepted order; the instances
/// follow the new primary by themselves.
/// </summary>
[Slow(Suite.Redis)]
public sealed class RedisSentinelTests(ITestOutputHelper output)
{
    /// <summary>The recovery bound docs/migration-in-memory-to-redis.md gives for a Sentinel failover.</summary>
    public static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(25);

    [SkippableFact]
    public async Task Two_instances_work_as_one_service()
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        await using var instances = await RedisTopologyScenarios.StartTwoAsync(group.ConnectionString);

        await RedisTopologyScenarios.WorkTogetherAsync(instances.A, instances.B);
    }

    [SkippableFact]
    public Task A_failover_ordered_through_sentinel_loses_no_accepted_order() =>
        FailOverAsync((group, _) => RedisAdmin.RunAsync(
            group.Sentinels[0].Port, "SENTINEL", "FAILOVER", RedisSentinelGroup.ServiceName));

    [SkippableFact]
    public Task The_primary_killed_loses_no_accepted_order() =>
        FailOverAsync((_, primary) =>
        {
            primary.Kill();
            return Task.CompletedTask;
        });

    private async Task FailOverAsync(Func<RedisSentinelGroup, RedisServer, Task> failover)
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        await using var instances = await RedisTopologyScenarios.StartTwoAsync(group.ConnectionString, 1_000_000);
        var old = await group.PrimaryAsync();

        await RedisTopologyScenarios.AssertWritesThroughFailoverAsync(
            instances,
            () => failover(group, old),
            () => Eventually.HoldsAsync(
                async () => await group.PrimaryAsync() != old, () => "Sentinel did not name a new primary."),
            RecoveryBound,
            output);
    }
}
