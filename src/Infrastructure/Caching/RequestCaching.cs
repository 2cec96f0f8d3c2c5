using Mediator;
using Microsoft.Extensions.Caching.Hybrid;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Caching;

/// <summary>
/// The pipeline's caching step: <see cref="ICachedQuery"/> answers are served from the cache and, after an
/// <see cref="IInvalidatesCache"/> command succeeds, the answers it made stale are removed. It runs after
/// authorization and validation, so a refused or invalid request never reads or fills the cache.
/// </summary>
public static class RequestCaching
{
    public static ValueTask<TResponse> GetOrCreateAsync<TMessage, TResponse>(
        HybridCache cache,
        IRequestCaller caller,
        ICachedQuery query,
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
        where TMessage : notnull, IMessage
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        var key = query.SharedAcrossCallers ? $"shared:{query.CacheKey}" : $"caller:{caller.Id ?? "anonymous"}:{query.CacheKey}";
        var options = query.CacheDuration is { } duration ? new HybridCacheEntryOptions { Expiration = duration } : null;
        return cache.GetOrCreateAsync(
            key,
            (next, message),
            static (state, token) => state.next(state.message, token),
            options,
            query.CacheTags,
            cancellationToken);
    }

    public static async ValueTask InvalidateAsync(HybridCache cache, IInvalidatesCache command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(command);
        foreach (var tag in command.InvalidatesCacheTags)
        {
            await cache.RemoveByTagAsync(tag, cancellationToken);
        }
    }
}
