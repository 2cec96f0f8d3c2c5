using Medallion.Threading;
using Medallion.Threading.Redis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Template.Infrastructure.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Template.Infrastructure.Caching;

/// <summary>
/// <see cref="Microsoft.Extensions.Caching.Hybrid.HybridCache"/> served by FusionCache: an in-process level
/// alone in memory mode; in Redis mode a Redis level under it and a Redis backplane beside it, so a change
/// on one instance evicts the copy every other instance holds. Counters and locks follow the same switch.
/// </summary>
public static class CachingSetup
{
    public static IServiceCollection AddCaching(this IServiceCollection services, ServiceBackends backends)
    {
        services.AddSettings<CacheOptions, CacheValidator>(CacheOptions.Section);

        // The cache builder reads these registered options when the cache is first resolved, validated by then.
        services.AddOptions<FusionCacheOptions>(FusionCacheOptions.DefaultCacheName)
            .Configure<IOptions<CacheOptions>, IOptions<RedisOptions>>((options, cache, redis) =>
                Configure(options, cache.Value, redis.Value.KeyPrefix + "cache", backends.UsesRedis));
        var fusion = services.AddFusionCache()
            // Fields included so that value tuples, which FusionCache stores in its envelopes, round-trip.
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(
                new System.Text.Json.JsonSerializerOptions(
                    System.Text.Json.JsonSerializerDefaults.Web) { IncludeFields = true }));

        if (backends.UsesRedis)
        {
            fusion
                .WithDistributedCache(provider => new RedisCache(Options.Create(new RedisCacheOptions
                {
                    ConnectionMultiplexerFactory = () =>
                        Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>()),
                })))
                .WithBackplane(provider => new RedisBackplane(Options.Create(new RedisBackplaneOptions
                {
                    ConnectionMultiplexerFactory = () =>
                        Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>()),
                })));
            services.AddSingleton<ICacheCounters, RedisCacheCounters>();
            services.AddSingleton<IDistributedLockProvider>(provider =>
                new RedisDistributedSynchronizationProvider(
                    PrimaryOnlyScripts.For(provider.GetRequiredService<ServiceRedis>().Database("locks:"))));
        }
        else
        {
            services.AddSingleton<ICacheCounters, InMemoryCacheCounters>();
            services.AddSingleton<IDistributedLockProvider, InProcessLockProvider>();
        }

        fusion.AsHybridCache();
        return services;
    }

    private static void Configure(FusionCacheOptions options, CacheOptions cache, string prefix, bool shared)
    {
        if (shared)
        {
            options.CacheKeyPrefix = prefix + ":";
            options.BackplaneChannelPrefix = prefix;
        }

        options.DistributedCacheCircuitBreakerDuration = cache.RedisCircuitBreakerDuration;
        options.BackplaneCircuitBreakerDuration = cache.RedisCircuitBreakerDuration;
        var entry = options.DefaultEntryOptions;
        entry.Duration = cache.DefaultDuration;
        entry.IsFailSafeEnabled = true;
        entry.FailSafeMaxDuration = cache.FailSafeMaxDuration;
        entry.FailSafeThrottleDuration = cache.FailSafeThrottleDuration;
        // A write returns once Redis has it and the backplane's message is published, not in the background; other
        // instances drop their copy when the message reaches them, so for that moment they may serve the old one.
        entry.AllowBackgroundDistributedCacheOperations = false;
        entry.AllowBackgroundBackplaneOperations = false;
    }
}
