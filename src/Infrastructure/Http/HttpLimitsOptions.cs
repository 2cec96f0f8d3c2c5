using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Http;

/// <summary>HTTP limits (<c>Http</c> section).</summary>
public sealed class HttpLimitsOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB.</summary>
    [Range(1, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    /// <summary>Deepest nesting of a JSON body; deeper bodies get 400 before they are bound. Default 32.</summary>
    [Range(1, 256)]
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>All request headers together, in bytes; more gets 431. Default 32 KiB (Kestrel's).</summary>
    [Range(1024, 1 << 20)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Number of request headers; more gets 431. Default 100 (Kestrel's).</summary>
    [Range(1, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Time a client has to send all request headers; a slow sender is cut off. Default 15 s (Kestrel's is 30
    /// s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Idle time before a kept-alive connection is closed. Default 60 s (Kestrel's is 130 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Slowest upload and download accepted, in bytes per second after a 5 s grace period, so a client trickling
    /// a body cannot hold a connection forever. Default 240 (Kestrel's).
    /// </summary>
    [Range(1, 1 << 20)]
    public double MinDataRateBytesPerSecond { get; set; } = 240;

    /// <summary>Open connections per instance; more wait in the accept queue. Default 10 000 (Kestrel:
    /// unlimited).</summary>
    [Range(1, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 10_000;
}

[OptionsValidator]
internal sealed partial class HttpLimitsValidator : IValidateOptions<HttpLimitsOptions>;
