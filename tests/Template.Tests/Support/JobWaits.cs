using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Template.Tests.Support;

/// <summary>Waits for what job servers do in their own time (<see cref="Eventually"/>).</summary>
public static class JobWaits
{
    public static async Task<IReadOnlyList<Hangfire.Storage.Monitoring.ServerDto>> WaitForServersAsync(IAlbaHost host, int count)
    {
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.HoldsAsync(() => monitoring.Servers().Count >= count, $"Fewer than {count} job servers reported.");
        return [.. monitoring.Servers()];
    }

    public static async Task<Hangfire.Storage.StateData> WaitForStateAsync(JobStorage storage, string jobId, string state, TimeSpan? within = null)
    {
        using var connection = storage.GetConnection();
        await Eventually.HoldsAsync(
            () => Task.FromResult(connection.GetStateData(jobId)?.Name == state),
            () => $"Job {jobId} is {connection.GetStateData(jobId)?.Name ?? "missing"}, not {state}.",
            within);
        return connection.GetStateData(jobId);
    }
}
