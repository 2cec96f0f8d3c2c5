using System.Collections.Concurrent;

namespace Template.Features.Orders;

/// <summary>Where orders live: <see cref="InMemoryOrderStore"/> in memory mode, <see cref="RedisOrderStore"/> in Redis
/// mode.</summary>
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

/// <summary>Process-local store: the embedded default when no database or Redis is configured.</summary>
public sealed class InMemoryOrderStore : IOrderStore
{
    private readonly ConcurrentDictionary<Guid, Order> orders = new();

    public ValueTask AddAsync(Order order, CancellationToken cancellationToken)
    {
        if (!orders.TryAdd(order.Id, order) && !Equals(orders.GetValueOrDefault(order.Id), order))
        {
            throw new InvalidOperationException($"Order '{order.Id}' already exists.");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<Order?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(orders.GetValueOrDefault(id));

    public ValueTask<bool> ReplaceAsync(Order current, Order replacement, CancellationToken cancellationToken)
    {
        return ValueTask.FromResult(
            orders.TryGetValue(current.Id, out var stored)
            && stored.Version == current.Version
            && orders.TryUpdate(current.Id, replacement, stored));
    }

    public ValueTask<(IReadOnlyList<Order> Items, int Total)> ListByOwnerAsync(
        string ownerId, int skip, int take, CancellationToken cancellationToken)
    {
        var owned = orders.Values
            .Where(o => string.Equals(o.OwnerId, ownerId, StringComparison.Ordinal))
            .OrderByDescending(o => o.PlacedAt)
            .ThenBy(o => o.Id)
            .ToList();
        IReadOnlyList<Order> page = [.. owned.Skip(skip).Take(take)];
        return ValueTask.FromResult((page, owned.Count));
    }

    public ValueTask<IReadOnlyList<Order>> ListCancelledBeforeAsync(
        DateTimeOffset cutoff, int take, CancellationToken cancellationToken)
    {
        IReadOnlyList<Order> cancelled = [.. orders.Values
            .Where(o => o.Status == OrderStatus.Cancelled && o.CancelledAt < cutoff)
            .OrderBy(o => o.CancelledAt)
            .Take(take)];
        return ValueTask.FromResult(cancelled);
    }

    public ValueTask<bool> RemoveAsync(Order current, CancellationToken cancellationToken)
    {
        return ValueTask.FromResult(
            orders.TryGetValue(current.Id, out var stored)
            && stored.Version == current.Version
            && orders.TryRemove(new KeyValuePair<Guid, Order>(current.Id, stored)));
    }
}
