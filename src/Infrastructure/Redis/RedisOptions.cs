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

    /// <summary>Prefix of every key the service writes, so several services can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._:-]{1,64}$")]
    public string KeyPrefix { get; set; } = "template:";

    /// <summary>How long one connection attempt may take. Short, because the connection retries in the
    /// background.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one command may wait for its answer before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

[OptionsValidator]
internal sealed partial class RedisValidator : IValidateOptions<RedisOptions>;
