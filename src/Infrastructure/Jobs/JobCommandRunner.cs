using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mediator;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// What a worker executes for every queued command. Hangfire creates it in a fresh DI scope per job, so
/// the command's handler and behaviors get scoped services exactly as an HTTP request does.
/// </summary>
public sealed class JobCommandRunner(ISender sender, ScopeCaller caller)
{
    public const string TelemetryName = "Template.Jobs";

    private static readonly ActivitySource Source = new(TelemetryName);
    private static readonly Meter Meter = new(TelemetryName);
    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "jobs.runs", description: "Jobs run by this instance, by what they run and outcome.");

    // Hangfire passes its shutdown token for the CancellationToken parameter, so a stopping worker
    // cancels the command and the job is queued again.
    [DisplayName("{0}")]
    public async Task RunAsync<TCommand>(TCommand command, CancellationToken cancellationToken)
        where TCommand : ICommand
    {
        // A job acts as the system principal with the abilities its command declares, never as a user.
        caller.RunAsSystem(typeof(TCommand));
        await TraceAsync(typeof(TCommand).Name, async () => await sender.Send(command, cancellationToken));
    }

    /// <summary>Runs one job in a span named for what it runs, and counts its outcome.</summary>
    public static async Task TraceAsync(string name, Func<Task> run)
    {
        using var activity = Source.StartActivity($"job {name}", ActivityKind.Consumer);
        try
        {
            await run();
            Runs.Add(1, new("command", name), new("outcome", "succeeded"));
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            Runs.Add(1, new("command", name), new("outcome", "failed"));
            throw;
        }
    }
}
