using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Template.Infrastructure.Redis;

/// <summary>Ready while Redis answers a PING; the shared connection reconnects by itself, so this recovers without a
/// restart.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", e);
        }
    }
}
