using OpenTelemetry.Exporter;

namespace Template.Infrastructure.Telemetry;

/// <summary>
/// Settings of OpenTelemetry export (<c>Telemetry</c> section). Nothing is exported unless an OTLP endpoint
/// is set here or through the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OTLP collector address, e.g. <c>http://localhost:4318</c> (HTTP) or <c>http://localhost:4317</c>
    /// (gRPC).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>HttpProtobuf</c> (default) or <c>Grpc</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.HttpProtobuf;
}
