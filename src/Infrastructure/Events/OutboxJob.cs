using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Persistence;

namespace Template.Infrastructure.Events;

/// <summary>
/// What a worker runs for an outbox row: the row's listener, in the job's own scope, as the system principal.
/// The row is marked completed in the scope's <see cref="ServiceDb"/> before the listener runs, so the listener's
/// first save commits its change and the mark together. A second run of the same row (the row handed over again
/// after its job seemed lost) finds it completed and does nothing, or, if both run at once, the later save fails on
/// the mark and its change is not committed either. Effects outside the database (a mail) can still happen twice.
/// </summary>
public sealed partial class OutboxJob(
    ServiceDb db,
    IServiceProvider services,
    Listeners listeners,
    ScopeCaller caller,
    TimeProvider clock,
    ILogger<OutboxJob> logger)
{
    // Hangfire passes its shutdown token for the CancellationToken parameter; the listener's name is for the
    // dashboard, the row says which listener runs.
    [DisplayName("{0}")]
    public async Task RunAsync(string listener, Guid messageId, CancellationToken cancellationToken)
    {
        var message = await db.Set<OutboxMessage>().FirstOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is not { CompletedAt: null })
        {
            LogAlreadyDone(logger, listener, messageId);
            return;
        }

        var registration = listeners.Find(message.Listener)
            ?? throw new InvalidOperationException(
                $"Outbox row {messageId} is for listener '{message.Listener}', which this service does not have.");
        caller.RunAsSystem(registration.ListenerType);
        message.CompletedAt = DatabaseTime.Stamp(clock.GetUtcNow());
        await JobCommandRunner.TraceAsync(registration.ListenerType.Name, async () =>
        {
            await registration.Invoke(
                services.GetRequiredService(registration.ListenerType), message.Payload, cancellationToken);
            await CompleteAsync(message, cancellationToken);
        });
    }

    private async Task CompleteAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        switch (db.Entry(message).State)
        {
            case EntityState.Modified:
                // The listener saved nothing.
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateConcurrencyException)
                {
                    LogAlreadyDone(logger, message.Listener, message.Id);
                }

                break;
            case EntityState.Detached:
                // A save of the listener failed and let go of what the scope tracked; whether the mark went with an
                // earlier save or not, this completes the row once.
                var completedAt = message.CompletedAt;
                await db.Set<OutboxMessage>()
                    .Where(m => m.Id == message.Id && m.CompletedAt == null)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.CompletedAt, completedAt), cancellationToken);
                break;
            default:
                break; // committed with the listener's change
        }
    }

    [LoggerMessage(
        EventId = 1301,
        Level = LogLevel.Information,
        Message = "Outbox row {MessageId} of {Listener} was completed by an earlier run; nothing to do")]
    private static partial void LogAlreadyDone(ILogger logger, string listener, Guid messageId);
}
