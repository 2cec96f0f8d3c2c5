using System.Globalization;
using Template.Tests.Support;
using Xunit.Abstractions;

namespace Template.Tests.Backends;

/// <summary>
/// The service on a Redis Cluster of three primaries and three replicas, built with <c>redis-cli --cluster
/// create</c>: two instances work as one service, the keys spread over the primaries, and a failover of the primary
/// that holds the job queue, coordinated or after a crash, loses no accepted order.
/// </summary>
[Slow(Suite.Redis)]
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    /// <summary>The recovery bound docs/migration-in-memory-to-redis.md gives for a cluster failover.</summary>
    public static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task Two_instances_work_as_one_service_with_keys_spread_over_the_primaries()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var instances = await RedisTopologyScenarios.StartTwoAsync(cluster.ConnectionString);

        await RedisTopologyScenarios.WorkTogetherAsync(instances.A, instances.B);

        var holding = 0;
        foreach (var node in cluster.Nodes)
        {
            var role = await RedisAdmin.RunAsync(node.Port, "INFO", "replication");
            var keys = int.Parse(await RedisAdmin.RunAsync(node.Port, "DBSIZE"), CultureInfo.InvariantCulture);
            holding += role.Contains("role:master", StringComparison.Ordinal) && keys > 0 ? 1 : 0;
        }

        Assert.True(holding >= 2, $"The service's keys are on {holding} of 3 primaries.");
    }

    [SkippableFact]
    public Task A_coordinated_failover_of_the_job_queue_primary_loses_no_accepted_order() =>
        FailOverJobQueuePrimaryAsync(async (primary, replica) =>
        {
            await RedisAdmin.RunAsync(replica.Port, "CLUSTER", "FAILOVER");
            return async () => await Eventually.HoldsAsync(
                async () => (await RedisAdmin.RunAsync(primary.Port, "ROLE")).StartsWith("slave", StringComparison.Ordinal),
                () => $"The old primary on {primary.Port} did not become a replica.");
        });

    [SkippableFact]
    public Task The_job_queue_primary_killed_loses_no_accepted_order() =>
        FailOverJobQueuePrimaryAsync((primary, _) =>
        {
            primary.Kill();
            return Task.FromResult<Func<Task>>(() => Task.CompletedTask);
        });

    // The failover returns what to check once the writes are judged.
    private async Task FailOverJobQueuePrimaryAsync(Func<RedisServer, RedisServer, Task<Func<Task>>> failover)
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var instances = await RedisTopologyScenarios.StartTwoAsync(cluster.ConnectionString, 1_000_000);
        var (primary, replica) = await cluster.NodesServingAsync(instances.Settings["Jobs:RedisPrefix"] + "queue");
        Func<Task> afterwards = () => Task.CompletedTask;

        await RedisTopologyScenarios.AssertWritesThroughFailoverAsync(
            instances,
            async () => afterwards = await failover(primary, replica),
            () => PromotedAsync(replica),
            RecoveryBound,
            output);
        await afterwards();
    }

    private static async Task PromotedAsync(RedisServer replica)
    {
        var role = "";
        await Eventually.HoldsAsync(
            async () => (role = await RedisAdmin.RunAsync(replica.Port, "ROLE")).StartsWith("master", StringComparison.Ordinal)
                && (await RedisAdmin.RunAsync(replica.Port, "CLUSTER", "INFO")).Contains("cluster_state:ok", StringComparison.Ordinal),
            () => $"The replica on {replica.Port} was not promoted: {role}");
    }
}
