using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using StackExchange.Redis;
using Template.Infrastructure;
using Template.Infrastructure.Redis;

namespace Template.Benchmarks;

/// <summary>
/// Item 3, in process on a redis-server of the benchmark's own: an order answer read from the service's
/// <see cref="HybridCache"/> in Redis mode from its in-process level (L1) and from Redis (L2, the in-process level
/// skipped), against a raw StackExchange.Redis <c>StringGet</c> of the same stored bytes. The uncached reads from the
/// database are <see cref="DatabaseBenchmarks"/>. The benchmark's own order type, so the suite stands without the
/// sample area.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1515, CA1001 // BenchmarkDotNet needs a public, unsealed class; the Redis process is stopped in Cleanup.
public class CacheBenchmarks
#pragma warning restore CA1515, CA1001
{
    private const string Key = "shared:orders:bench";
    private static readonly HybridCacheEntryOptions SkipLocal = new() { Flags = HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableLocalCacheWrite };

    private RedisProcess redis = null!;
    private WebApplication app = null!;
    private HybridCache cache = null!;
    private IDatabase database = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        redis = await RedisProcess.StartAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Staging", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["AuthorizationServer:Issuer"] = "http://127.0.0.1/";
        builder.Configuration["ConnectionStrings:Redis"] = redis.ConnectionString;
        builder.AddServiceInfrastructure(typeof(CacheBenchmarks).Assembly);
        builder.Services.AddBenchMediator();
        builder.Logging.ClearProviders();
        app = builder.Build();
        cache = app.Services.GetRequiredService<HybridCache>();
        var serviceRedis = app.Services.GetRequiredService<ServiceRedis>();
        database = serviceRedis.Connection.GetDatabase();
        await cache.SetAsync(Key, BenchOrders.Sample, new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1) });

        // The bytes the cache stored in Redis (a hash, as Microsoft's RedisCache writes it), copied to a plain string.
        var server = serviceRedis.Connection.GetServer(serviceRedis.Connection.GetEndPoints()[0]);
        var cacheKey = server.Keys(pattern: "*orders:bench*").Single();
        byte[] stored = (await database.HashGetAsync(cacheKey, "data"))!;
        await database.StringSetAsync(RawKey, stored);
        StoredBytes = stored.Length;
    }

    private const string RawKey = "bench:raw";

    /// <summary>Size of the cached answer in Redis, for the report.</summary>
    public static int StoredBytes { get; private set; }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await app.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Benchmark]
    public ValueTask<BenchOrder> L1Hit() => cache.GetOrCreateAsync(Key, _ => ValueTask.FromResult(BenchOrders.Sample));

    [Benchmark]
    public ValueTask<BenchOrder> L2Hit() => cache.GetOrCreateAsync(Key, _ => ValueTask.FromResult(BenchOrders.Sample), SkipLocal);

    [Benchmark(Baseline = true)]
    public Task<RedisValue> RawStringGet() => database.StringGetAsync(RawKey);
}
