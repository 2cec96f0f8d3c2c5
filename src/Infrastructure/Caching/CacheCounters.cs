using System.Collections.Concurrent;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Caching;

/// <summary>Atomic counters shared by every instance (Redis <c>INCRBY</c> in Redis mode).</summary>
public interface ICacheCounters
{
    /// <summary>Adds <paramref name="by"/> to the counter (created at zero) and returns the new value.</summary>
    ValueTask<long> IncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default);

    /// <summary>Subtracts <paramref name="by"/> from the counter (created at zero) and returns the new value.</summary>
    ValueTask<long> DecrementAsync(string key, long by = 1, CancellationToken cancellationToken = default);

    /// <summary>The counter's value, zero when it does not exist.</summary>
    ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default);

    ValueTask ResetAsync(string key, CancellationToken cancellationToken = default);
}

internal sealed class RedisCacheCounters(ServiceRedis redis) : ICacheCounters
{
    private readonly StackExchange.Redis.IDatabase database = redis.Database("counters:");

    public async ValueTask<long> IncrementAsync(
        string key, long by = 1, CancellationToken cancellationToken = default) =>
        await database.StringIncrementAsync(key, by);

    public async ValueTask<long> DecrementAsync(
        string key, long by = 1, CancellationToken cancellationToken = default) =>
        await database.StringDecrementAsync(key, by);

    public async ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = await database.StringGetAsync(key);
        return value.IsNull ? 0 : (long)value;
    }

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken = default) =>
        await database.KeyDeleteAsync(key);
}

internal sealed class InMemoryCacheCounters : ICacheCounters
{
    private readonly ConcurrentDictionary<string, StrongBox> counters = new(StringComparer.Ordinal);

    public ValueTask<long> IncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Interlocked.Add(ref counters.GetOrAdd(key, _ => new StrongBox()).Value, by));

    public ValueTask<long> DecrementAsync(string key, long by = 1, CancellationToken cancellationToken = default) =>
        IncrementAsync(key, -by, cancellationToken);

    public ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(counters.TryGetValue(key, out var box) ? Interlocked.Read(ref box.Value) : 0);

    public ValueTask ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        counters.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
