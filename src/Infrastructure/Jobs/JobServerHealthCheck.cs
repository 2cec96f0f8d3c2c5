using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Jobs;

/// <summary>Ready when job storage answers and this instance's workers have sent a recent heartbeat.</summary>
internal sealed class JobServerHealthCheck(JobStorage storage, IOptions<JobsOptions> options, TimeProvider clock)
    : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var alive = storage.GetMonitoringApi().Servers()
                .Count(s => s.Name.StartsWith(JobsSetup.ThisInstanceServerPrefix, StringComparison.OrdinalIgnoreCase)
                    && now - (s.Heartbeat ?? s.StartedAt) < options.Value.ServerTimeout);
            return Task.FromResult(alive > 0
                ? HealthCheckResult.Healthy($"{alive} job server(s) of this instance are alive.")
                : HealthCheckResult.Unhealthy("No job server of this instance has sent a recent heartbeat."));
        }
#pragma warning disable CA1031 // Any storage failure means not ready; the reason goes into the report.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Job storage is unreachable.", e));
        }
    }
}
