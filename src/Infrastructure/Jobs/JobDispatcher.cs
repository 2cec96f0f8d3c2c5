using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Mediator;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// Runs a mediator command later, on a worker, through the same pipeline as a request (logging, validation).
/// The command is stored with the job, so it survives a restart of the instance that queued it.
/// </summary>
public interface IJobDispatcher
{
    /// <summary>Queues <paramref name="command"/> to run as soon as a worker of <paramref name="queue"/> is free.
    /// Returns the job id.</summary>
    string Enqueue<TCommand>(TCommand command, string queue = JobQueues.Default)
        where TCommand : ICommand;

    /// <summary>Queues <paramref name="command"/> to run once <paramref name="delay"/> has passed. Returns the job
    /// id.</summary>
    string Schedule<TCommand>(TCommand command, TimeSpan delay, string queue = JobQueues.Default)
        where TCommand : ICommand;
}

internal sealed class HangfireJobDispatcher(IBackgroundJobClientV2 client) : IJobDispatcher
{
    public string Enqueue<TCommand>(TCommand command, string queue = JobQueues.Default)
        where TCommand : ICommand =>
        client.Create(JobFor(command, queue), new EnqueuedState(queue));

    public string Schedule<TCommand>(TCommand command, TimeSpan delay, string queue = JobQueues.Default)
        where TCommand : ICommand =>
        client.Create(JobFor(command, queue), new ScheduledState(delay));

    internal static Job JobFor<TCommand>(TCommand command, string queue)
        where TCommand : ICommand
    {
        return Job.FromExpression<JobCommandRunner>(runner => runner.RunAsync(command, CancellationToken.None), queue);
    }
}
