using Microsoft.Extensions.Caching.Hybrid;

namespace Template.Infrastructure.Caching;

/// <summary>The cache operations <see cref="HybridCache"/> leaves implicit, spelled out.</summary>
public static class HybridCacheOperations
{
    private static readonly HybridCacheEntryOptions ReadOnly =
        new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    /// <summary>The cached value, or <see langword="default"/> when there is none. Never creates one.</summary>
    public static ValueTask<T?> GetAsync<T>(
        this HybridCache cache, string key, CancellationToken cancellationToken = default)
    {
        return cache.GetOrCreateAsync<T?>(
            key, static _ => ValueTask.FromResult(default(T)), ReadOnly, tags: null, cancellationToken);
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="expiration"/>.</summary>
    public static ValueTask SetAsync<T>(
        this HybridCache cache, string key, T value, TimeSpan expiration, IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        return cache.SetAsync(
            key, value, new HybridCacheEntryOptions { Expiration = expiration, LocalCacheExpiration = expiration },
            tags, cancellationToken);
    }

    /// <summary>Stores <paramref name="value"/> until it is removed (practically: for ten years).</summary>
    public static ValueTask SetForeverAsync<T>(
        this HybridCache cache, string key, T value, IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default) =>
        cache.SetAsync(key, value, Forever, tags, cancellationToken);

    /// <summary>Ten years: longer than any deployment lives, short enough for every backend's expiry
    /// arithmetic.</summary>
    public static TimeSpan Forever { get; } = TimeSpan.FromDays(3650);
}
