using Mediator;
using Microsoft.Extensions.Caching.Hybrid;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// <see cref="ICachedQuery"/> answers are served from the cache and, after an <see cref="IInvalidatesCache"/>
/// command succeeds, the answers it made stale are removed. It runs after authorization and validation, so a
/// refused or invalid request never reads or fills the cache.
/// </summary>
public sealed class CachingBehavior<TMessage, TResponse>(IServiceProvider services)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly bool IsCachedQuery = typeof(ICachedQuery).IsAssignableFrom(typeof(TMessage));
    private static readonly bool InvalidatesCache = typeof(IInvalidatesCache).IsAssignableFrom(typeof(TMessage));

    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (IsCachedQuery)
        {
            var query = (ICachedQuery)message;
            var caller = services.GetRequiredService<IRequestCaller>();
            var key = query.SharedAcrossCallers
                ? $"shared:{query.CacheKey}"
                : $"caller:{caller.Id ?? "anonymous"}:{query.CacheKey}";
            var options = query.CacheDuration is { } duration
                ? new HybridCacheEntryOptions { Expiration = duration }
                : null;
            return services.GetRequiredService<HybridCache>().GetOrCreateAsync(
                key,
                (next, message),
                static (state, token) => state.next(state.message, token),
                options,
                query.CacheTags,
                cancellationToken);
        }

        return InvalidatesCache
            ? HandleThenInvalidateAsync(message, next, cancellationToken)
            : next(message, cancellationToken);
    }

    private async ValueTask<TResponse> HandleThenInvalidateAsync(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        var cache = services.GetRequiredService<HybridCache>();
        foreach (var tag in ((IInvalidatesCache)message).InvalidatesCacheTags)
        {
            await cache.RemoveByTagAsync(tag, cancellationToken);
        }

        return response;
    }
}
