using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Template.Infrastructure.RateLimiting;
using Template.Infrastructure.Redis;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure.RateLimiting;

/// <summary>The four algorithms in process, on a fake clock, so every boundary is exact.</summary>
public sealed class InMemoryRateLimitCountersTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));

    [Fact]
    public async Task A_fixed_window_admits_its_limit_then_refuses_until_the_window_ends()
    {
        var counters = new InMemoryRateLimitCounters(clock);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.FixedWindow, PermitLimit = 3, Window = TimeSpan.FromSeconds(10) };
        clock.Advance(TimeSpan.FromSeconds(4));

        var remaining = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var admitted = await counters.AcquireAsync("p", policy, "alice", default);
            Assert.True(admitted.Allowed);
            remaining.Add(admitted.Remaining);
        }

        Assert.Equal([2, 1, 0], remaining);
        var refused = await counters.AcquireAsync("p", policy, "alice", default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.Reset);
        Assert.True((await counters.AcquireAsync("p", policy, "bob", default)).Allowed);
        Assert.True((await counters.AcquireAsync("other", policy, "alice", default)).Allowed);

        clock.Advance(TimeSpan.FromSeconds(6));
        var next = await counters.AcquireAsync("p", policy, "alice", default);
        Assert.True(next.Allowed);
        Assert.Equal(2, next.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(10), next.Reset);
    }

    [Fact]
    public async Task A_sliding_window_gives_permits_back_one_segment_at_a_time()
    {
        var counters = new InMemoryRateLimitCounters(clock);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.SlidingWindow, PermitLimit = 4, Window = TimeSpan.FromSeconds(4), SegmentsPerWindow = 4 };
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        var refused = await counters.AcquireAsync("p", policy, "a", default);
        Assert.False(refused.Allowed);
        // The first two slide out when their segment leaves the window, 2 s from now.
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Reset);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        clock.Advance(TimeSpan.FromSeconds(1));
        var back = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(back.Allowed);
        // Two came back; this request took one of them.
        Assert.Equal(1, back.Remaining);

        // A fixed window would start afresh here; the sliding one still counts the last two seconds.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await counters.AcquireAsync("p", policy, "a", default)).Remaining);
    }

    [Fact]
    public async Task A_token_bucket_allows_a_burst_refills_by_period_and_saves_nothing_beyond_its_size()
    {
        var counters = new InMemoryRateLimitCounters(clock);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.TokenBucket, PermitLimit = 3, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        }

        var refused = await counters.AcquireAsync("p", policy, "a", default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Reset);

        clock.Advance(TimeSpan.FromMilliseconds(1500));
        var refilled = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(refilled.Allowed);
        Assert.Equal(0, refilled.Remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(500), refilled.Reset);

        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        }

        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
    }

    [Fact]
    public async Task A_concurrency_limit_counts_requests_in_flight_and_frees_a_permit_when_one_ends()
    {
        var counters = new InMemoryRateLimitCounters(clock);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.Concurrency, PermitLimit = 2 };
        var first = await counters.AcquireAsync("p", policy, "a", default);
        var second = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(first.Allowed && second.Allowed);
        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);

        await counters.ReleaseAsync("p", "a", first.Permit!);
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
    }

    [Fact]
    public async Task Idle_callers_are_forgotten_once_forgetting_them_changes_nothing()
    {
        var counters = new InMemoryRateLimitCounters(clock);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.FixedWindow, PermitLimit = 5, Window = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 1000; i++)
        {
            await counters.AcquireAsync("p", policy, $"caller-{i}", default);
        }

        Assert.Equal(1000, counters.PartitionCount);
        clock.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 4096; i++)
        {
            await counters.AcquireAsync("p", policy, "busy", default);
        }

        Assert.Equal(1, counters.PartitionCount);
    }
}

/// <summary>
/// The same algorithms in Redis. Redis's clock (<c>TIME</c>) decides, so these tests use real time: each checks a
/// burst of a few round trips on a warm connection (milliseconds) against windows of 2 s or more, which a machine ten
/// times slower than an idle one still cannot cross, and then waits out the window before asserting what follows.
/// </summary>
[Slow(Suite.Redis)]
public sealed class RedisRateLimitCountersTests
{
    private static async Task<(RedisRateLimitCounters Counters, ConnectionMultiplexer Connection)> ConnectAsync(RateLimitPolicyOptions policy)
    {
        var redis = await RedisServer.RequireSharedAsync();
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var counters = new RedisRateLimitCounters(new ServiceRedis(connection, $"t{Guid.NewGuid():N}:"), TimeProvider.System, NullLogger<RedisRateLimitCounters>.Instance);
        // The first call loads the script and compiles the path; the bursts below must be round trips only.
        var warm = await counters.AcquireAsync("warm-up", policy, "warm-up", default);
        if (warm.Permit is not null)
        {
            await counters.ReleaseAsync("warm-up", "warm-up", warm.Permit);
        }

        return (counters, connection);
    }

    [SkippableFact]
    public async Task A_fixed_window_admits_its_limit_then_refuses_until_the_window_ends()
    {
        // Windows of 3 s, and the burst starts as one opens (the warm-up's answer says when, on Redis's clock).
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.FixedWindow, PermitLimit = 3, Window = TimeSpan.FromSeconds(3) };
        var (counters, connection) = await ConnectAsync(policy);
        await using var _ = connection;
        await Task.Delay((await counters.AcquireAsync("p", policy, "clock", default)).Reset + TimeSpan.FromMilliseconds(20));
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await counters.AcquireAsync("p", policy, "alice", default));
        }

        Assert.Equal([true, true, true, false], decisions.Select(d => d.Allowed));
        Assert.Equal([2L, 1L, 0L], decisions.Take(3).Select(d => d.Remaining));
        Assert.InRange(decisions[3].Reset, TimeSpan.FromMilliseconds(1), policy.Window);
        Assert.True((await counters.AcquireAsync("p", policy, "bob", default)).Allowed);

        await Task.Delay(decisions[3].Reset + TimeSpan.FromMilliseconds(50));
        Assert.True((await counters.AcquireAsync("p", policy, "alice", default)).Allowed);
    }

    [SkippableFact]
    public async Task A_sliding_window_refuses_past_its_limit_and_says_when_permits_return()
    {
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.SlidingWindow, PermitLimit = 2, Window = TimeSpan.FromSeconds(2), SegmentsPerWindow = 2 };
        var (counters, connection) = await ConnectAsync(policy);
        await using var _ = connection;
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        var last = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(last.Allowed);
        Assert.Equal(0, last.Remaining);
        var refused = await counters.AcquireAsync("p", policy, "a", default);
        Assert.False(refused.Allowed);
        Assert.InRange(refused.Reset, TimeSpan.FromMilliseconds(1), policy.Window);

        await Task.Delay(refused.Reset + TimeSpan.FromMilliseconds(1100));
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
    }

    [SkippableFact]
    public async Task A_token_bucket_allows_its_burst_and_refills()
    {
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.TokenBucket, PermitLimit = 3, TokensPerPeriod = 3, ReplenishmentPeriod = TimeSpan.FromSeconds(2) };
        var (counters, connection) = await ConnectAsync(policy);
        await using var _ = connection;
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        }

        var refused = await counters.AcquireAsync("p", policy, "a", default);
        Assert.False(refused.Allowed);
        Assert.InRange(refused.Reset, TimeSpan.FromMilliseconds(1), policy.ReplenishmentPeriod);
        await Task.Delay(refused.Reset + TimeSpan.FromMilliseconds(50));
        Assert.Equal(2, (await counters.AcquireAsync("p", policy, "a", default)).Remaining);
    }

    [SkippableFact]
    public async Task A_concurrency_permit_is_given_back_or_lapses_when_its_holder_never_returns()
    {
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.Concurrency, PermitLimit = 1, LeaseTimeout = TimeSpan.FromSeconds(2) };
        var (counters, connection) = await ConnectAsync(policy);
        await using var _ = connection;
        var held = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(held.Allowed);
        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        await counters.ReleaseAsync("p", "a", held.Permit!);

        var abandoned = await counters.AcquireAsync("p", policy, "a", default);
        Assert.True(abandoned.Allowed);
        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        await Task.Delay(policy.LeaseTimeout + TimeSpan.FromMilliseconds(100));
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
    }

    [SkippableFact]
    public async Task While_Redis_is_unreachable_each_instance_counts_on_its_own()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            RedisConnectionSetup.CreateConfiguration(redis.ConnectionString, new RedisOptions(), "test"));
        var counters = new RedisRateLimitCounters(new ServiceRedis(connection, "t:"), TimeProvider.System, NullLogger<RedisRateLimitCounters>.Instance);
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.FixedWindow, PermitLimit = 2, Window = TimeSpan.FromHours(1) };
        await redis.StopAsync();

        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        Assert.True((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
        Assert.False((await counters.AcquireAsync("p", policy, "a", default)).Allowed);
    }
}
