using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Keeps the shared connection on the primary Sentinel names. StackExchange.Redis 2.x re-elects a primary on
/// <c>+switch-master</c> only when the new one is a node it has never seen; after a failover between nodes it knows,
/// it keeps sending writes to the demoted one (fixed in 3.x, which the Redis libraries used here do not support
/// yet). So this listens to <c>+switch-master</c> itself, and asks Sentinel every <see cref="PollInterval"/> in case
/// an announcement was missed, and reconfigures the connection until its primary is the one Sentinel names.
/// </summary>
internal sealed partial class SentinelPrimaryFollower(
    IConnectionMultiplexer connection,
    ServiceBackends backends,
    IOptions<RedisOptions> options,
    TimeProvider time,
    ILogger<SentinelPrimaryFollower> logger) : BackgroundService
{
    /// <summary>How often Sentinel is asked, besides its announcements.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    // While the demoted primary still says it is one, the connection may elect it again; retried this often.
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether <paramref name="connectionString"/> names a Sentinel service.</summary>
    public static bool IsSentinel(string connectionString)
    {
        try
        {
            return !string.IsNullOrEmpty(ConfigurationOptions.Parse(connectionString).ServiceName);
        }
        catch (ArgumentException)
        {
            // Reported at start-up by the connection string's validator.
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sentinelOptions = RedisConnectionSetup.CreateConfiguration(
            backends.RedisConnectionString!, options.Value, "sentinel-follower");
        var serviceName = sentinelOptions.ServiceName!;
        using var sentinels = await ConnectionMultiplexer.SentinelConnectAsync(sentinelOptions);
        var switched = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        await sentinels.GetSubscriber().SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, message) =>
        {
            // "<service> <old ip> <old port> <new ip> <new port>"
            if (((string?)message)?.StartsWith(serviceName + " ", StringComparison.Ordinal) == true)
            {
                switched.Writer.TryWrite(true);
            }
        });

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(sentinels, serviceName, stoppingToken);
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(PollInterval);
                await switched.Reader.WaitToReadAsync(poll.Token);
                switched.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll interval passed without an announcement.
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogSentinelUnreachable(logger, e);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task FollowAsync(IConnectionMultiplexer sentinels, string serviceName, CancellationToken stopping)
    {
        var named = await AskPrimaryAsync(sentinels, serviceName);
        if (named is null || !IsStale(named))
        {
            return;
        }

        var name = named.ToString()!;
        LogSwitching(logger, name);
        var started = time.GetTimestamp();
        // Bounded: Sentinel demotes the old primary within seconds; past that, the next poll starts again.
        for (var attempt = 0; attempt < 60 && IsStale(named); attempt++)
        {
            await connection.ConfigureAsync();
            if (IsStale(named))
            {
                await Task.Delay(RetryInterval, time, stopping);
            }
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        if (!IsStale(named))
        {
            LogSwitched(logger, name, elapsed);
        }
    }

    private static async Task<EndPoint?> AskPrimaryAsync(IConnectionMultiplexer sentinels, string serviceName)
    {
        foreach (var sentinel in sentinels.GetServers().Where(s => s.IsConnected))
        {
            if (await sentinel.SentinelGetMasterAddressByNameAsync(serviceName) is { } primary)
            {
                return primary;
            }
        }

        return null;
    }

    // Stale: the named primary is unknown, disconnected or taken for a replica, or another node is taken for one.
    private bool IsStale(EndPoint named)
    {
        var name = named.ToString();
        var servers = connection.GetServers();
        var primary = servers.FirstOrDefault(s => s.EndPoint.ToString() == name);
        return primary is null || !primary.IsConnected || primary.IsReplica
            || servers.Any(s => s.IsConnected && !s.IsReplica && s.EndPoint.ToString() != name);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Sentinel names {Primary} as primary; moving the Redis connection to it")]
    private static partial void LogSwitching(ILogger logger, string primary);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "The Redis connection writes to {Primary} after {Milliseconds:0} ms")]
    private static partial void LogSwitched(ILogger logger, string primary, double milliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "No Sentinel answers; asking again later")]
    private static partial void LogSentinelUnreachable(ILogger logger, Exception exception);
}
