using Template.Infrastructure.Persistence;

namespace Template.Infrastructure.Events;

/// <summary>Something that happened in an area (<c>OrderPlaced</c>); a record its listeners receive as JSON.</summary>
public interface IEvent;

/// <summary>
/// Reacts to <typeparamref name="TEvent"/> as a queued job, once per raised event. Listeners are found in the
/// service's assembly; a listener runs as the system principal with the abilities its
/// <see cref="Jobs.JobAbilitiesAttribute"/> declares.
/// </summary>
public interface IListener<in TEvent>
    where TEvent : IEvent
{
    ValueTask HandleAsync(TEvent raised, CancellationToken cancellationToken);
}

/// <summary>
/// Raises events through the outbox: each listener's job is a row added to the request's <see cref="ServiceDb"/>,
/// so it is committed by the same <c>SaveChanges</c> as the change that raised it, or not at all.
/// </summary>
public interface IEvents
{
    /// <summary>Adds a row per listener of <typeparamref name="TEvent"/>; the next save of this scope commits
    /// them.</summary>
    void Raise<TEvent>(TEvent raised)
        where TEvent : IEvent;
}

internal sealed class OutboxEvents(ServiceDb db, Listeners listeners, OutboxSignal signal, TimeProvider clock)
    : IEvents, IDisposable
{
    private bool watching;
    private bool raisedSinceSave;

    public void Raise<TEvent>(TEvent raised)
        where TEvent : IEvent
    {
        var now = DatabaseTime.Stamp(clock.GetUtcNow());
        foreach (var listener in listeners.For(typeof(TEvent)))
        {
            db.Add(OutboxMessage.For(listener, raised, now));
            raisedSinceSave = true;
        }

        if (raisedSinceSave && !watching)
        {
            db.SavedChanges += WakeDispatcher;
            watching = true;
        }
    }

    public void Dispose()
    {
        if (watching)
        {
            db.SavedChanges -= WakeDispatcher;
        }
    }

    // This instance's dispatcher picks the rows up at once instead of at its next poll.
    private void WakeDispatcher(object? sender, Microsoft.EntityFrameworkCore.SavedChangesEventArgs e)
    {
        if (raisedSinceSave)
        {
            raisedSinceSave = false;
            signal.Wake();
        }
    }
}
