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
        "jobs.runs", description: "Queued commands run by this instance, by command and outcome.");

    // Hangfire passes its shutdown token for the CancellationToken parameter, so a stopping worker
    // cancels the command and the job is queued again.
    [DisplayName("{0}")]
    public async Task RunAsync<TCommand>(TCommand command, CancellationToken cancellationToken)
        where TCommand : ICommand
    {
        var name = typeof(TCommand).Name;
        // A job acts as the system principal with the abilities its command declares, never as a user.
        caller.RunAsSystem(typeof(TCommand));
        using var activity = Source.StartActivity($"job {name}", ActivityKind.Consumer);
        try
        {
            await sender.Send(command, cancellationToken);
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
