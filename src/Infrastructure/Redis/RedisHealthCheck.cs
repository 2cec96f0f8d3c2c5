using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Ready while this instance can write to Redis. A replica answers PING too, so the check writes a short-lived key
/// to the primary: a replica, a primary that lost its replicas under <c>min-replicas-to-write</c>, or a cluster with
/// slots unserved refuses it. The shared connection reconnects by itself, so this recovers without a restart.
/// </summary>
internal sealed class RedisHealthCheck(ServiceRedis redis) : IHealthCheck
{
    private static readonly TimeSpan ProbeLifetime = TimeSpan.FromSeconds(30);

    private readonly string probeKey = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly IDatabase probes = redis.Database("ready:");

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            await probes.StringSetAsync(
                probeKey, "1", ProbeLifetime, flags: CommandFlags.DemandMaster);
            var latency = TimeProvider.System.GetElapsedTime(started);
            if (await ClusterStateAsync() is { } state && state != "ok")
            {
                return HealthCheckResult.Unhealthy($"Redis Cluster reports cluster_state:{state}.");
            }

            return HealthCheckResult.Healthy($"The primary took a write in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not take writes.", e);
        }
    }

    // One slot's primary taking the probe says nothing of the others; a cluster node says whether all are served.
    private async Task<string?> ClusterStateAsync()
    {
        var primary = redis.Connection.GetServers()
            .FirstOrDefault(s => s is { ServerType: ServerType.Cluster, IsConnected: true, IsReplica: false });
        if (primary is null)
        {
            return null;
        }

        var info = (string?)await primary.ExecuteAsync("CLUSTER", "INFO") ?? "";
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cluster_state:", StringComparison.Ordinal));
        return line?["cluster_state:".Length..].Trim();
    }
}
