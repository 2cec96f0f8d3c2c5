using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace Template.Infrastructure.Telemetry;

/// <summary>
/// Settings of OpenTelemetry export (<c>Telemetry</c> section). Nothing is exported unless an OTLP endpoint
/// is set here or through the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Telemetry";

    /// <summary>OTLP collector address, e.g. <c>http://localhost:4318</c> (HTTP) or <c>http://localhost:4317</c>
    /// (gRPC).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>HttpProtobuf</c> (default) or <c>Grpc</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.HttpProtobuf;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri
            && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult(
                "Telemetry:OtlpEndpoint must be an absolute http or https address such as http://localhost:4318.",
                [nameof(OtlpEndpoint)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class TelemetryValidator : IValidateOptions<TelemetryOptions>;
