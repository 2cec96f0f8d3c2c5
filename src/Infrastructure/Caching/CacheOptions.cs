using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Caching;

/// <summary>Settings of the cache (<c>Cache</c> section).</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>How long an entry is fresh when the caller does not say.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an expired entry may still be served while its source fails (fail-safe).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(2);

    /// <summary>After a failure, how long the stale value is served before the source is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After a Redis error, how long the cache keeps to its in-process level before trying Redis
    /// again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RedisCircuitBreakerDuration { get; set; } = TimeSpan.FromSeconds(2);
}

[OptionsValidator]
internal sealed partial class CacheValidator : IValidateOptions<CacheOptions>;
