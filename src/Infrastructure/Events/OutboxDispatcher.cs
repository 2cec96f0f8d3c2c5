using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Persistence;

namespace Template.Infrastructure.Events;

/// <summary>
/// Hands committed outbox rows to the job queue, on every instance. Each hand-over is claimed first with a
/// conditional update of <see cref="OutboxMessage.Dispatches"/>, so instances polling together hand each row over
/// once. A handed-over row is looked at again after <see cref="OutboxOptions.RecheckAfter"/>: if its job is gone
/// from the queue, it is handed over again; the job skips rows already completed.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IDbContextFactory<ServiceDb> databases,
    IBackgroundJobClientV2 jobs,
    JobStorage storage,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private DateTimeOffset nextPurge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                if (await DispatchDueAsync(stoppingToken) == options.Value.BatchSize)
                {
                    continue; // a backlog: the next batch at once, not at the next poll
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the job queue is away: the rows wait, and the next poll tries again.
                LogPollFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One poll: hands over or checks up to <see cref="OutboxOptions.BatchSize"/> due rows. Returns the
    /// number of due rows it found.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = DatabaseTime.Stamp(clock.GetUtcNow());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<OutboxMessage>();
        var due = await rows.AsNoTracking()
            .Where(m => m.CompletedAt == null && m.FailedAt == null && m.DueAt <= now)
            .OrderBy(m => m.DueAt)
            .Take(settings.BatchSize)
            .Select(m => new { m.Id, m.Listener, m.Dispatches, m.JobId })
            .ToListAsync(cancellationToken);

        var recheckAt = now + settings.RecheckAfter;
        foreach (var row in due)
        {
            var claimed = rows.Where(m => m.Id == row.Id && m.Dispatches == row.Dispatches);
            var state = row.JobId is null ? null : JobState(row.JobId, now - settings.StalledAfter);
            if (state == FailedState.StateName || state == DeletedState.StateName)
            {
                await claimed.ExecuteUpdateAsync(m => m.SetProperty(x => x.FailedAt, now), cancellationToken);
                continue;
            }

            // A job that is gone, or that succeeded without completing the row, is handed over again.
            if (state is not null && state != SucceededState.StateName)
            {
                // Queued, scheduled for a retry or running: looked at again later.
                await claimed.ExecuteUpdateAsync(m => m.SetProperty(x => x.DueAt, recheckAt), cancellationToken);
                continue;
            }

            var claim = await claimed.ExecuteUpdateAsync(
                m => m.SetProperty(x => x.Dispatches, row.Dispatches + 1)
                    .SetProperty(x => x.JobId, (string?)null)
                    .SetProperty(x => x.DueAt, recheckAt),
                cancellationToken);
            if (claim == 0)
            {
                continue; // another instance claimed it
            }

            var mine = rows.Where(m => m.Id == row.Id && m.Dispatches == row.Dispatches + 1);
            string jobId;
            try
            {
                jobId = jobs.Create(JobFor(row.Listener, row.Id), new EnqueuedState(JobQueues.Default));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The queue refused it: the row is due again at the next poll, and this poll stops here.
                await mine.ExecuteUpdateAsync(m => m.SetProperty(x => x.DueAt, now), CancellationToken.None);
                throw;
            }

            await mine.ExecuteUpdateAsync(m => m.SetProperty(x => x.JobId, jobId), CancellationToken.None);
        }

        await PurgeCompletedAsync(rows, now, cancellationToken);
        return due.Count;
    }

    internal static Job JobFor(string listener, Guid messageId) =>
        Job.FromExpression<OutboxJob>(
            job => job.RunAsync(listener, messageId, CancellationToken.None), JobQueues.Default);

    // A job queued, or marked running, since before stalledBefore counts as gone. A failover can lose the hand-back
    // or the retry a worker wrote after the job started; the job then stays marked where it was, with no worker.
    private string? JobState(string jobId, DateTimeOffset stalledBefore)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetJobData(jobId)?.State;
        var since = state == EnqueuedState.StateName ? "EnqueuedAt"
            : state == ProcessingState.StateName ? "StartedAt"
            : null;
        if (since is not null
            && connection.GetStateData(jobId)?.Data is { } data
            && data.TryGetValue(since, out var at)
            && JobHelper.DeserializeNullableDateTime(at) is { } entered
            && new DateTimeOffset(DateTime.SpecifyKind(entered, DateTimeKind.Utc)) < stalledBefore)
        {
            return null;
        }

        return state;
    }

    // Hourly at most: completed rows are kept for Outbox:Retention, then deleted in batches.
    private async Task PurgeCompletedAsync(DbSet<OutboxMessage> rows, DateTimeOffset now, CancellationToken token)
    {
        if (now < nextPurge)
        {
            return;
        }

        nextPurge = now.AddHours(1);
        var cutoff = now - options.Value.Retention;
        await rows.Where(m => m.CompletedAt < cutoff).ExecuteDeleteAsync(token);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "The outbox could not be dispatched")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
