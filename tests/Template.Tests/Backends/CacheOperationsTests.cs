using Medallion.Threading;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Caching;
using Template.Tests.Support;

namespace Template.Tests.Backends;

/// <summary>
/// The cache operations a Laravel user expects, in both modes (<see cref="CacheOperationsTestsInMemory"/>,
/// <see cref="CacheOperationsTestsOnRedis"/>), through the abstractions the service's code uses.
/// </summary>
public abstract class CacheOperationsTests(IServiceHostFixture service)
{
    private readonly string prefix = $"ops:{Guid.NewGuid():N}:";

    private HybridCache Cache => service.Host.Services.GetRequiredService<HybridCache>();

    [SkippableFact]
    public async Task Get_answers_nothing_for_a_missing_key_and_never_creates_it()
    {
        Assert.Null(await Cache.GetAsync<string>(Key("missing")));
        Assert.Null(await Cache.GetAsync<string>(Key("missing")));
    }

    [SkippableFact]
    public async Task Set_with_an_expiry_is_read_back_until_it_expires()
    {
        // The expiry is the cache's (and Redis's) own clock, so the test waits for it. Two writes and a read take
        // milliseconds: 3 s leave room for a machine ten times slower before the read-back could miss.
        await Cache.SetAsync(Key("short"), "value", TimeSpan.FromSeconds(3));
        await Cache.SetAsync(Key("long"), "value", TimeSpan.FromMinutes(5));
        Assert.Equal("value", await Cache.GetAsync<string>(Key("short")));

        await Eventually.HoldsAsync(async () => await Cache.GetAsync<string>(Key("short")) is null, () => "The entry did not expire.");
        Assert.Equal("value", await Cache.GetAsync<string>(Key("long")));
    }

    [SkippableFact]
    public async Task Set_forever_keeps_the_value_until_it_is_removed()
    {
        await Cache.SetForeverAsync(Key("forever"), new CachedThing("kept", 7));
        Assert.Equal(new CachedThing("kept", 7), await Cache.GetAsync<CachedThing>(Key("forever")));

        await Cache.RemoveAsync(Key("forever"));
        Assert.Null(await Cache.GetAsync<CachedThing>(Key("forever")));
    }

    [SkippableFact]
    public async Task Remember_runs_the_factory_on_a_miss_only()
    {
        var runs = 0;
        ValueTask<int> Factory(CancellationToken _) => ValueTask.FromResult(Interlocked.Increment(ref runs));

        Assert.Equal(1, await Cache.GetOrCreateAsync(Key("remember"), Factory));
        Assert.Equal(1, await Cache.GetOrCreateAsync(Key("remember"), Factory));
        Assert.Equal(1, runs);
    }

    [SkippableFact]
    public async Task Concurrent_misses_run_the_factory_once()
    {
        var runs = 0;
        var running = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var reads = Enumerable.Range(0, 25).Select(_ => Cache.GetOrCreateAsync(Key("stampede"), async _ =>
        {
            Interlocked.Increment(ref runs);
            running.TrySetResult();
            await release.Task;
            return "computed";
        }).AsTask()).ToList();

        // Every read has asked by now; the factory is held until they all wait on the one run.
        await running.Task.WaitAsync(Eventually.Deadline);
        release.SetResult();
        Assert.All(await Task.WhenAll(reads), value => Assert.Equal("computed", value));
        Assert.Equal(1, runs);
    }

    [SkippableFact]
    public async Task Invalidating_a_tag_removes_every_entry_with_it_and_only_those()
    {
        var tag = Key("tag");
        await Cache.SetAsync(Key("a"), "a", TimeSpan.FromMinutes(5), [tag]);
        await Cache.SetAsync(Key("b"), "b", TimeSpan.FromMinutes(5), [tag, Key("other-tag")]);
        await Cache.SetAsync(Key("c"), "c", TimeSpan.FromMinutes(5), [Key("other-tag")]);

        await Cache.RemoveByTagAsync(tag);

        Assert.Null(await Cache.GetAsync<string>(Key("a")));
        Assert.Null(await Cache.GetAsync<string>(Key("b")));
        Assert.Equal("c", await Cache.GetAsync<string>(Key("c")));
    }

    [SkippableFact]
    public async Task Counters_increment_and_decrement_atomically()
    {
        var counters = service.Host.Services.GetRequiredService<ICacheCounters>();
        var key = Key("counter");
        Assert.Equal(0, await counters.GetAsync(key));

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => counters.IncrementAsync(key).AsTask()));
        Assert.Equal(200, await counters.GetAsync(key));
        Assert.Equal(195, await counters.DecrementAsync(key, 5));
        Assert.Equal(205, await counters.IncrementAsync(key, 10));

        await counters.ResetAsync(key);
        Assert.Equal(0, await counters.GetAsync(key));
    }

    [SkippableFact]
    public async Task A_lock_is_exclusive_gives_up_after_its_timeout_and_is_free_again_once_released()
    {
        var locks = service.Host.Services.GetRequiredService<IDistributedLockProvider>();
        var name = Key("lock");
        var first = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(first);

        Assert.Null(await locks.CreateLock(name).TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        await Assert.ThrowsAsync<TimeoutException>(async () => await locks.CreateLock(name).AcquireAsync(TimeSpan.FromMilliseconds(100)));

        await first.DisposeAsync();
        await using var second = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(second);
    }

    private string Key(string name) => prefix + name;
}

public sealed record CachedThing(string Name, int Count);

[Collection(SharedServiceHost.Name)]
public sealed class CacheOperationsTestsInMemory(ServiceFixture service) : CacheOperationsTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class CacheOperationsTestsOnRedis(RedisServiceFixture service) : CacheOperationsTests(service);
