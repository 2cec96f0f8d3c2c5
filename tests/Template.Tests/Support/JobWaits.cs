using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Template.Tests.Support;

/// <summary>Bounded waits for asynchronous outcomes: each fails the test after its deadline instead of hanging.</summary>
public static class JobWaits
{
    public static async Task<IReadOnlyList<Hangfire.Storage.Monitoring.ServerDto>> WaitForServersAsync(IAlbaHost host, int count)
    {
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await WaitForAsync(() => monitoring.Servers().Count >= count);
        return [.. monitoring.Servers()];
    }

    public static async Task<Hangfire.Storage.StateData> WaitForStateAsync(JobStorage storage, string jobId, string state, int seconds = 30)
    {
        using var connection = storage.GetConnection();
        await WaitForAsync(() => connection.GetStateData(jobId)?.Name == state, seconds);
        return connection.GetStateData(jobId);
    }

    public static async Task WaitForAsync(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(50);
        }
    }
}
