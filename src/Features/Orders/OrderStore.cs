using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Persistence;

namespace Template.Features.Orders;

/// <summary>Where orders live: the service's database (<see cref="DatabaseOrderStore"/>).</summary>
public interface IOrderStore
{
    /// <summary>Stores a new order. Adding the same order again changes nothing; another order under a taken id
    /// throws.</summary>
    ValueTask AddAsync(Order order, CancellationToken cancellationToken);

    ValueTask<Order?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Replaces <paramref name="current"/> with <paramref name="replacement"/> unless another writer got there
    /// first.</summary>
    ValueTask<bool> ReplaceAsync(Order current, Order replacement, CancellationToken cancellationToken);

    /// <summary>One page of an owner's orders, newest first, and the owner's total.</summary>
    ValueTask<(IReadOnlyList<Order> Items, int Total)> ListByOwnerAsync(
        string ownerId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="take"/> orders cancelled before <paramref name="cutoff"/>, oldest cancellation
    /// first.</summary>
    ValueTask<IReadOnlyList<Order>> ListCancelledBeforeAsync(
        DateTimeOffset cutoff, int take, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="current"/> unless another writer changed it since it was read.</summary>
    ValueTask<bool> RemoveAsync(Order current, CancellationToken cancellationToken);
}

/// <summary>
/// Orders in the service's database, SQLite or PostgreSQL, through the scope's <see cref="ServiceDb"/>. Each write
/// saves the scope's other pending changes with it (the outbox rows of raised events), and a write that fails lets
/// go of them all, so an event is committed exactly when its change is.
/// </summary>
public sealed class DatabaseOrderStore(ServiceDb db) : IOrderStore
{
    public async ValueTask AddAsync(Order order, CancellationToken cancellationToken)
    {
        db.Add(order);
        try
        {
            await SaveAsync(order, cancellationToken);
        }
        catch (DbUpdateException refused)
        {
            // A retried job adds the same order again: nothing changes. Another order under its id is a bug.
            var stored = await FindAsync(order.Id, cancellationToken);
            if (stored is null)
            {
                throw;
            }

            if (!Same(stored, order))
            {
                throw new InvalidOperationException($"Order '{order.Id}' already exists.", refused);
            }
        }
    }

    public async ValueTask<Order?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Set<Order>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);

    public async ValueTask<bool> ReplaceAsync(Order current, Order replacement, CancellationToken cancellationToken)
    {
        var entry = db.Attach(replacement);
        entry.State = EntityState.Modified;
        entry.Property(o => o.Version).OriginalValue = current.Version;
        return await SaveUnlessChangedAsync(replacement, cancellationToken);
    }

    public async ValueTask<(IReadOnlyList<Order> Items, int Total)> ListByOwnerAsync(
        string ownerId, int skip, int take, CancellationToken cancellationToken)
    {
        var owned = db.Set<Order>().AsNoTracking().Where(o => o.OwnerId == ownerId);
        var total = await owned.CountAsync(cancellationToken);
        var page = await owned.OrderByDescending(o => o.PlacedAt).ThenBy(o => o.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (page, total);
    }

    public async ValueTask<IReadOnlyList<Order>> ListCancelledBeforeAsync(
        DateTimeOffset cutoff, int take, CancellationToken cancellationToken) =>
        await db.Set<Order>().AsNoTracking()
            .Where(o => o.Status == OrderStatus.Cancelled && o.CancelledAt < cutoff)
            .OrderBy(o => o.CancelledAt)
            .Take(take)
            .ToListAsync(cancellationToken);

    public async ValueTask<bool> RemoveAsync(Order current, CancellationToken cancellationToken)
    {
        db.Remove(current);
        return await SaveUnlessChangedAsync(current, cancellationToken);
    }

    private async ValueTask<bool> SaveUnlessChangedAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await SaveAsync(order, cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    // Saved, the order is let go of, so that the scope can attach a later version of it.
    private async Task SaveAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            db.Entry(order).State = EntityState.Detached;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    // Lines by value (the record compares the list by reference), times as the database keeps them.
    private static bool Same(Order stored, Order order) =>
        AsStored(stored) with { Lines = order.Lines } == AsStored(order) && stored.Lines.SequenceEqual(order.Lines);

    private static Order AsStored(Order order) => order with
    {
        PlacedAt = Order.Stamp(order.PlacedAt),
        CancelledAt = order.CancelledAt is { } cancelled ? Order.Stamp(cancelled) : null,
        ConfirmedAt = order.ConfirmedAt is { } confirmed ? Order.Stamp(confirmed) : null,
    };
}
