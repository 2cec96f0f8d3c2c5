using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Template.Infrastructure.RateLimiting;
using Template.Infrastructure.Redis;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure.RateLimiting;

/// <summary>
/// The limiters of Redis mode: each kind, built from its settings, counts one limit for two instances, and while
/// Redis is unreachable each instance counts on its own.
/// </summary>
[Slow(Suite.Redis)]
public sealed class SharedRateLimiterTests
{
    public static TheoryData<RateLimitKind> Kinds => new(Enum.GetValues<RateLimitKind>());

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public async Task Two_instances_count_one_limit_for_a_caller_and_apart_for_another(RateLimitKind kind)
    {
        var redis = await RedisServer.RequireSharedAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var service = new ServiceRedis(connection, $"t{Guid.NewGuid():N}:");
        var policy = new RateLimitPolicyOptions
        {
            Kind = kind, PermitLimit = 3, Window = TimeSpan.FromHours(1), TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromHours(1),
        };
        var create = RateLimitingSetup.SharedLimiters(service, NullLogger<SharedRateLimiter>.Instance);
        using var first = create("p:sub:alice", policy);
        using var second = create("p:sub:alice", policy);
        using var other = create("p:sub:bob", policy);

        var leases = new List<RateLimitLease>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add(await (i % 2 == 0 ? first : second).AcquireAsync());
        }

        Assert.Equal([true, true, true, false], leases.Select(l => l.IsAcquired));
        using var bobs = await other.AcquireAsync();
        Assert.True(bobs.IsAcquired);
        if (kind == RateLimitKind.Concurrency)
        {
            // A permit given back frees a place for the next request, whichever instance serves it.
            leases[0].Dispose();
            using var next = await second.AcquireAsync();
            Assert.True(next.IsAcquired);
        }

        leases.ForEach(l => l.Dispose());
    }

    [SkippableFact]
    public async Task While_Redis_is_unreachable_each_instance_counts_on_its_own()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            RedisConnectionSetup.CreateConfiguration(redis.ConnectionString, new RedisOptions(), "test"));
        var policy = new RateLimitPolicyOptions { Kind = RateLimitKind.FixedWindow, PermitLimit = 2, Window = TimeSpan.FromHours(1) };
        using var limiter = RateLimitingSetup.SharedLimiters(
            new ServiceRedis(connection, "t:"), NullLogger<SharedRateLimiter>.Instance)("p:ip:a", policy);
        await redis.StopAsync();

        var admitted = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            using var lease = await limiter.AcquireAsync();
            admitted.Add(lease.IsAcquired);
        }

        Assert.Equal([true, true, false], admitted);
    }
}
