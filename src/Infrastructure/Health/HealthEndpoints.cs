using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Template.Infrastructure.Health;

/// <summary>
/// <c>/health/live</c> says the process answers (no dependency checks, so a slow dependency never gets
/// the process restarted); <c>/health/ready</c> runs the checks tagged <see cref="ReadyTag"/>.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ExcludeFromDescription()
            .DisableRateLimiting();
        app.MapHealthChecks(
            ReadyPath,
            new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .ExcludeFromDescription()
            .DisableRateLimiting();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(
            context.Response.Body,
            new HealthResponse(
                report.Status.ToString(),
                report.TotalDuration.TotalMilliseconds,
                report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString(), StringComparer.Ordinal)),
            HealthJson.Default.HealthResponse,
            context.RequestAborted);
    }
}

public sealed record HealthResponse(string Status, double DurationMs, IReadOnlyDictionary<string, string> Checks);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
