using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;
using SortOrder = StackExchange.Redis.Order;
using Template.Infrastructure.Redis;

namespace Template.Features.Orders;

/// <summary>
/// Orders in Redis: each order a hash (<c>orders:{id}</c> with its JSON and version), one sorted set per
/// owner for listing, and one of cancelled orders for the clean-up job. Every write is a transaction
/// guarded by the version it read, so concurrent writers on different instances cannot overwrite each other.
/// </summary>
public sealed class RedisOrderStore(ServiceRedis redis) : IOrderStore
{
    private const string DataField = "data";
    private const string VersionField = "version";
    private static readonly RedisKey CancelledIndex = "cancelled";

    private readonly IDatabase database = redis.Database("orders:");

    public async ValueTask AddAsync(Order order, CancellationToken cancellationToken)
    {
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists(OrderKey(order.Id)));
        _ = transaction.HashSetAsync(OrderKey(order.Id), Fields(order));
        _ = transaction.SortedSetAddAsync(
            OwnerIndex(order.OwnerId), order.Id.ToString(), order.PlacedAt.ToUnixTimeMilliseconds());
        IndexIfCancelled(transaction, order);
        if (!await transaction.ExecuteAsync() && !await AlreadyStoredAsync(order))
        {
            throw new InvalidOperationException($"Order '{order.Id}' already exists.");
        }
    }

    public async ValueTask<Order?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var data = await database.HashGetAsync(OrderKey(id), DataField);
        return data.IsNull ? null : Deserialize(data);
    }

    public async ValueTask<bool> ReplaceAsync(Order current, Order replacement, CancellationToken cancellationToken)
    {
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual(OrderKey(current.Id), VersionField, current.Version));
        _ = transaction.HashSetAsync(OrderKey(current.Id), Fields(replacement));
        IndexIfCancelled(transaction, replacement);
        return await transaction.ExecuteAsync();
    }

    public async ValueTask<(IReadOnlyList<Order> Items, int Total)> ListByOwnerAsync(
        string ownerId, int skip, int take, CancellationToken cancellationToken)
    {
        var index = OwnerIndex(ownerId);
        var total = await database.SortedSetLengthAsync(index);
        var ids = await database.SortedSetRangeByRankAsync(index, skip, skip + take - 1, SortOrder.Descending);
        return (await LoadAsync(ids), (int)total);
    }

    public async ValueTask<IReadOnlyList<Order>> ListCancelledBeforeAsync(
        DateTimeOffset cutoff, int take, CancellationToken cancellationToken)
    {
        var ids = await database.SortedSetRangeByScoreAsync(
            CancelledIndex, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds(), Exclude.Stop, SortOrder.Ascending,
            0, take);
        return await LoadAsync(ids);
    }

    public async ValueTask<bool> RemoveAsync(Order current, CancellationToken cancellationToken)
    {
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual(OrderKey(current.Id), VersionField, current.Version));
        _ = transaction.KeyDeleteAsync(OrderKey(current.Id));
        _ = transaction.SortedSetRemoveAsync(OwnerIndex(current.OwnerId), current.Id.ToString());
        _ = transaction.SortedSetRemoveAsync(CancelledIndex, current.Id.ToString());
        return await transaction.ExecuteAsync();
    }

    // A transaction re-sent after a dropped connection finds its own earlier write: that is success, not a clash.
    private async Task<bool> AlreadyStoredAsync(Order order)
    {
        var stored = await FindAsync(order.Id, CancellationToken.None);
        return stored is not null && stored.Version == order.Version
            && string.Equals(stored.OwnerId, order.OwnerId, StringComparison.Ordinal)
                && stored.PlacedAt == order.PlacedAt;
    }

    private static void IndexIfCancelled(ITransaction transaction, Order order)
    {
        if (order.Status == OrderStatus.Cancelled && order.CancelledAt is { } cancelledAt)
        {
            _ = transaction.SortedSetAddAsync(
                CancelledIndex, order.Id.ToString(), cancelledAt.ToUnixTimeMilliseconds());
        }
    }

    private async Task<IReadOnlyList<Order>> LoadAsync(RedisValue[] ids)
    {
        var reads = ids.Select(id => database.HashGetAsync(OrderKey(Guid.Parse(id.ToString())), DataField)).ToArray();
        var values = await Task.WhenAll(reads);
        return [.. values.Where(v => !v.IsNull).Select(v => Deserialize(v))];
    }

    private static RedisKey OrderKey(Guid id) => $"{id}";

    private static RedisKey OwnerIndex(string ownerId) => $"owner:{ownerId}";

    private static HashEntry[] Fields(Order order) =>
    [
        new(DataField, JsonSerializer.SerializeToUtf8Bytes(order, OrderJson.Default.Order)),
        new(VersionField, order.Version),
    ];

    private static Order Deserialize(RedisValue data) =>
        JsonSerializer.Deserialize((byte[])data!, OrderJson.Default.Order)
        ?? throw new InvalidOperationException("An order in Redis is empty.");
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(Order))]
internal sealed partial class OrderJson : JsonSerializerContext;
