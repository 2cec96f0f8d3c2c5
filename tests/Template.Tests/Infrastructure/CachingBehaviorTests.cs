using Mediator;
using Template.Infrastructure.Caching;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

public sealed class CachingBehaviorTests
{
    [Fact]
    public async Task A_cached_query_runs_its_handler_once_per_caller()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var handlerRuns = 0;
        Task<string> Ask(string id) => pipeline.SendAsync<CachedProbe, string>(new CachedProbe(id), (q, _) =>
        {
            Interlocked.Increment(ref handlerRuns);
            return ValueTask.FromResult($"{pipeline.CallerId}:{q.Id}:{handlerRuns}");
        });

        Assert.Equal("alice:1:1", await Ask("1"));
        Assert.Equal("alice:1:1", await Ask("1"));
        Assert.Equal(1, handlerRuns);

        // Another caller never sees alice's answer: the key is scoped to the caller.
        pipeline.CallerId = "bob";
        Assert.Equal("bob:1:2", await Ask("1"));
        Assert.Equal("alice:2:3", await AskAs("alice", "2"));

        Task<string> AskAs(string caller, string id)
        {
            pipeline.CallerId = caller;
            return Ask(id);
        }
    }

    [Fact]
    public async Task A_command_that_invalidates_a_tag_makes_the_next_query_run_its_handler_again()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var handlerRuns = 0;
        Task<string> Ask() => pipeline.SendAsync<CachedProbe, string>(new CachedProbe("7"), (_, _) =>
            ValueTask.FromResult($"run {Interlocked.Increment(ref handlerRuns)}"));

        Assert.Equal("run 1", await Ask());
        Assert.Equal("run 1", await Ask());
        await pipeline.SendAsync<ChangeProbe, Unit>(new ChangeProbe("7"), (_, _) => ValueTask.FromResult(Unit.Value));
        Assert.Equal("run 2", await Ask());
    }

    [Fact]
    public async Task A_failing_handler_is_not_cached()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var handlerRuns = 0;
        Task<string> Ask() => pipeline.SendAsync<CachedProbe, string>(new CachedProbe("9"), (_, _) =>
            Interlocked.Increment(ref handlerRuns) == 1
                ? throw new InvalidOperationException("first run fails")
                : ValueTask.FromResult("second run"));

        await Assert.ThrowsAsync<InvalidOperationException>(Ask);
        Assert.Equal("second run", await Ask());
    }

    [Fact]
    public async Task Concurrent_misses_of_one_key_run_the_handler_once()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var handlerRuns = 0;
        var running = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var asks = Enumerable.Range(0, 20).Select(_ => pipeline.SendAsync<CachedProbe, string>(new CachedProbe("stampede"), async (_, _) =>
        {
            Interlocked.Increment(ref handlerRuns);
            running.TrySetResult();
            await release.Task;
            return "value";
        })).ToList();

        // Every ask is in flight by now; the handler is held until they all wait on the one run.
        await running.Task.WaitAsync(Eventually.Deadline);
        release.SetResult();
        Assert.All(await Task.WhenAll(asks), answer => Assert.Equal("value", answer));
        Assert.Equal(1, handlerRuns);
    }
}

public sealed record CachedProbe(string Id) : IQuery<string>, ICachedQuery
{
    public string CacheKey => $"probe:{Id}";

    public IReadOnlyCollection<string> CacheTags => [$"probe:{Id}"];
}

public sealed record ChangeProbe(string Id) : ICommand, IInvalidatesCache
{
    public IReadOnlyCollection<string> InvalidatesCacheTags => [$"probe:{Id}"];
}
