using StackExchange.Redis;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Redis;
using Template.Tests.Support;

namespace Template.Tests.Backends;

/// <summary>
/// What Redis answers while a topology changes (a replica refusing writes, a primary without its replicas under
/// <c>min-replicas-to-write</c>) is "backend unavailable": readiness says so, and a request that needed the write is
/// answered 503 with Retry-After, never 500.
/// </summary>
[Slow(Suite.Redis)]
public sealed class RedisTopologyErrorTests
{
    [SkippableFact]
    public async Task A_primary_without_the_replicas_it_requires_makes_the_instance_unready_and_writes_503()
    {
        await using var primary = await RedisServer.StartOwnAsync(["--min-replicas-to-write", "1"]);
        var settings = await ServiceFixture.RedisSettingsAsync(primary.ConnectionString);
        await using var host = await ServiceFixture.StartAsync("Development", settings);

        // PING is answered; writes are refused with NOREPLICAS.
        Assert.True(await primary.PingAsync());
        await host.WaitForStatusAsync("/health/ready", 503);
        await AssertUnavailableAsync(host);

        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await host.WaitForStatusAsync("/health/ready", 200);
        await host.Scenario(s =>
        {
            s.Post.Url(ProbeEndpoints.Count);
            s.StatusCodeShouldBe(200);
        });
    }

    [SkippableFact]
    public async Task An_instance_that_reaches_only_a_replica_is_unready_and_answers_writes_503()
    {
        await using var primary = await RedisServer.StartOwnAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        await using var host = await ServiceFixture.StartAsync(
            "Development", await ServiceFixture.RedisSettingsAsync(replica.ConnectionString));

        await host.WaitForStatusAsync("/health/ready", 503);
        await AssertUnavailableAsync(host);
    }

    [SkippableFact]
    public async Task Scripts_go_to_the_primary_only_and_a_replica_refusing_one_is_backend_unavailable()
    {
        await using var primary = await RedisServer.StartOwnAsync();
        await using var replica = await RedisServer.StartReplicaAsync(primary);
        using var replicaOnly = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString);
        const string Write = "return redis.call('set', KEYS[1], 'x')";

        // Left alone, the client sends a script to the only node it has, and the replica refuses it.
        var refused = await Assert.ThrowsAsync<RedisServerException>(
            () => replicaOnly.GetDatabase().ScriptEvaluateAsync(Write, ["k"]));
        Assert.Contains("READONLY", refused.Message, StringComparison.Ordinal);
        Assert.True(ProblemExceptionHandler.IsBackendUnavailable(refused));

        // Wrapped, it does not send it: there is no primary.
        var wrapped = PrimaryOnlyScripts.For(replicaOnly).GetDatabase();
        var unsent = await Assert.ThrowsAsync<RedisConnectionException>(() => wrapped.ScriptEvaluateAsync(Write, ["k"]));
        Assert.True(ProblemExceptionHandler.IsBackendUnavailable(unsent));
        // Everything else passes through: a read is served by the replica.
        Assert.True((await wrapped.StringGetAsync("k")).IsNull);
    }

    private static async Task AssertUnavailableAsync(IAlbaHost host)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Url(ProbeEndpoints.Count);
            s.StatusCodeShouldBe(503);
        });
        await result.ReadProblemAsync(503);
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers.RetryAfter));
    }
}
