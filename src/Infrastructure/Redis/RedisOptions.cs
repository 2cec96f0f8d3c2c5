using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Settings of the shared Redis connection (<c>Redis</c> section). The connection string itself is
/// <c>ConnectionStrings:Redis</c>, in StackExchange.Redis syntax, so Sentinel, TLS and several endpoints work.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Prefix of the keys the service writes (Hangfire's and the rate limiter's have their own), so several services
    /// can share one Redis. On a cluster, a hash tag (<c>{orders}:</c>) keeps the keys under it in one slot, on one
    /// primary; without one, they spread over the primaries.
    /// </summary>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    [RegularExpression(@"^[A-Za-z0-9._:-]*(\{[A-Za-z0-9._:-]+\}[A-Za-z0-9._:-]*)?$")]
    public string KeyPrefix { get; set; } = "template:";

    /// <summary>How long one connection attempt may take. Short, because the connection retries in the
    /// background.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Worker threads the thread pool keeps ready in Redis mode (0 leaves the runtime's default, one per core).
    /// During a failover StackExchange.Redis blocks threads while it reconfigures, and a pool at its minimum adds about
    /// one thread a second: on two cores, requests then waited seconds for a thread.
    /// </summary>
    [Range(0, 1000)]
    public int MinWorkerThreads { get; set; } = 64;

    /// <summary>How long one command may wait for its answer before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

[OptionsValidator]
internal sealed partial class RedisValidator : IValidateOptions<RedisOptions>;
