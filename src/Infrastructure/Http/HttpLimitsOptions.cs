using System.ComponentModel.DataAnnotations;

namespace Template.Infrastructure.Http;

/// <summary>HTTP limits (<c>Http</c> section).</summary>
public sealed class HttpLimitsOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB.</summary>
    [Range(1, 1L << 30, ErrorMessage = "Http:MaxRequestBodyBytes must be between 1 and 1073741824 bytes.")]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    /// <summary>Deepest nesting of a JSON body; deeper bodies get 400 before they are bound. Default 32.</summary>
    [Range(1, 256, ErrorMessage = "Http:MaxJsonDepth must be between 1 and 256.")]
    public int MaxJsonDepth { get; set; } = 32;
}
