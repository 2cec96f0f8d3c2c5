using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Telemetry;

/// <summary>Traces and metrics for HTTP, the mediator pipeline, jobs and Redis, exported by OTLP when
/// configured.</summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddServiceTelemetry(
        this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment,
        ServiceBackends backends)
    {
        var options = configuration.ReadSettings<TelemetryOptions, TelemetryValidator>(TelemetryOptions.Section);
        var fromEnvironment = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (options.OtlpEndpoint is null && !fromEnvironment)
        {
            // Nothing would be exported: collecting traces and metrics anyway costs every request for nothing.
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(environment.ApplicationName))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(http => http.Filter =
                        context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                    .AddHttpClientInstrumentation()
                    .AddSource(RequestTelemetry.SourceName, JobCommandRunner.TelemetryName);
                if (backends.UsesRedis)
                {
                    tracing.AddRedisInstrumentation();
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(RequestTelemetry.SourceName, JobCommandRunner.TelemetryName));

        if (options.OtlpEndpoint is { } endpoint)
        {
            telemetry.UseOtlpExporter(options.OtlpProtocol, endpoint);
        }
        else
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
