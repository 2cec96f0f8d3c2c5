using Hangfire;
using Mediator;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Jobs;

/// <summary>A command run on a cron schedule, declared by the feature module that owns it.</summary>
public sealed record RecurringJobDefinition(string Id, string Cron, string Queue, Func<Hangfire.Common.Job> CreateJob);

public static class RecurringJobRegistration
{
    /// <summary>
    /// Declares <paramref name="command"/> to run on <paramref name="cron"/> (UTC). Every instance that runs
    /// workers registers it at start-up; Hangfire keeps one schedule per id however many instances do.
    /// </summary>
    public static IServiceCollection AddRecurringJob<TCommand>(this IServiceCollection services, string id, string cron, TCommand command, string queue = JobQueues.Low)
        where TCommand : ICommand
    {
        services.AddSingleton(new RecurringJobDefinition(id, cron, queue, () => HangfireJobDispatcher.JobFor(command, queue)));
        return services;
    }
}

/// <summary>Writes the declared recurring jobs to job storage when a worker instance starts.</summary>
internal sealed class RecurringJobRegistrar(
    IEnumerable<RecurringJobDefinition> definitions,
    IRecurringJobManagerV2 manager,
    IOptions<JobsOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RunsWorkers)
        {
            return Task.CompletedTask;
        }

        foreach (var definition in definitions)
        {
            manager.AddOrUpdate(definition.Id, definition.CreateJob(), definition.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
