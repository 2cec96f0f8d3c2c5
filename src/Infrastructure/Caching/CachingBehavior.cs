using Mediator;
using Microsoft.Extensions.Caching.Hybrid;
using Template.Infrastructure.Security;

namespace Template.Infrastructure.Caching;

/// <summary>
/// Serves <see cref="ICachedQuery"/> answers from the cache and, after an <see cref="IInvalidatesCache"/>
/// command succeeds, removes the answers it made stale. Runs after authorization and validation, so a
/// refused or invalid request never reads or fills the cache.
/// </summary>
public sealed class CachingBehavior<TMessage, TResponse>(HybridCache cache, IRequestCaller caller)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is ICachedQuery query)
        {
            var key = query.SharedAcrossCallers ? $"shared:{query.CacheKey}" : $"caller:{caller.Id ?? "anonymous"}:{query.CacheKey}";
            var options = query.CacheDuration is { } duration ? new HybridCacheEntryOptions { Expiration = duration } : null;
            return await cache.GetOrCreateAsync(
                key,
                (next, message),
                static (state, token) => state.next(state.message, token),
                options,
                query.CacheTags,
                cancellationToken);
        }

        var response = await next(message, cancellationToken);
        if (message is IInvalidatesCache command)
        {
            foreach (var tag in command.InvalidatesCacheTags)
            {
                await cache.RemoveByTagAsync(tag, cancellationToken);
            }
        }

        return response;
    }
}
