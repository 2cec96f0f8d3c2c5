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

/// <summary>Orders in the service's database, SQLite or PostgreSQL; a context per call, so it is a singleton.</summary>
public sealed class DatabaseOrderStore(IDbContextFactory<ServiceDb> databases) : IOrderStore
{
    public async ValueTask AddAsync(Order order, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Add(order);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException refused)
        {
            // A retried request or job adds the same order again: nothing changes. Another order under its id is a bug.
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

    public async ValueTask<Order?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Set<Order>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
    }

    public async ValueTask<bool> ReplaceAsync(Order current, Order replacement, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var entry = db.Attach(replacement);
        entry.State = EntityState.Modified;
        entry.Property(o => o.Version).OriginalValue = current.Version;
        try
        {
            return await db.SaveChangesAsync(cancellationToken) == 1;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    public async ValueTask<(IReadOnlyList<Order> Items, int Total)> ListByOwnerAsync(
        string ownerId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var owned = db.Set<Order>().AsNoTracking().Where(o => o.OwnerId == ownerId);
        var total = await owned.CountAsync(cancellationToken);
        var page = await owned.OrderByDescending(o => o.PlacedAt).ThenBy(o => o.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (page, total);
    }

    public async ValueTask<IReadOnlyList<Order>> ListCancelledBeforeAsync(
        DateTimeOffset cutoff, int take, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Set<Order>().AsNoTracking()
            .Where(o => o.Status == OrderStatus.Cancelled && o.CancelledAt < cutoff)
            .OrderBy(o => o.CancelledAt)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    public async ValueTask<bool> RemoveAsync(Order current, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Set<Order>()
            .Where(o => o.Id == current.Id && o.Version == current.Version)
            .ExecuteDeleteAsync(cancellationToken) == 1;
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
