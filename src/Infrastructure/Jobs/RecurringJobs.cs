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
    public static IServiceCollection AddRecurringJob<TCommand>(
        this IServiceCollection services, string id, string cron, TCommand command, string queue = JobQueues.Low)
        where TCommand : ICommand
    {
        services.AddSingleton(new RecurringJobDefinition(
            id, cron, queue, () => HangfireJobDispatcher.JobFor(command, queue)));
        return services;
    }
}

/// <summary>
/// Writes the declared recurring jobs to job storage once a worker instance has started. In the background and
/// retried, so an instance starts (and reports itself not ready) while Redis is down instead of failing.
/// </summary>
internal sealed partial class RecurringJobRegistrar(
    IEnumerable<RecurringJobDefinition> definitions,
    IRecurringJobManagerV2 manager,
    IOptions<JobsOptions> options,
    ILogger<RecurringJobRegistrar> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunsWorkers)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                foreach (var definition in definitions)
                {
                    manager.AddOrUpdate(
                        definition.Id, definition.CreateJob(), definition.Cron,
                        new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
                }

                return;
            }
#pragma warning disable CA1031 // Any storage failure is retried; the service keeps running meanwhile.
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogRegistrationFailed(logger, e, delay.TotalSeconds);
            }

            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    [LoggerMessage(
        EventId = 300,
        Level = LogLevel.Warning,
        Message = "Could not register the recurring jobs; retrying in {DelaySeconds} s")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception, double delaySeconds);
}
