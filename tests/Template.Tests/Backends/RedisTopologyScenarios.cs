using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Template.Features.Orders;
using Template.Tests.Features.Orders;
using Template.Tests.Support;
using Xunit.Abstractions;

namespace Template.Tests.Backends;

/// <summary>
/// What two instances of the service must do together on any Redis topology, and how a failover under writes is
/// judged. The topology tests (a cluster, a Sentinel group) run these against their own processes.
/// </summary>
internal static class RedisTopologyScenarios
{
    /// <summary>How long a write may take during a failover: answered 2xx or 503 within it, never left hanging.</summary>
    public static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(3);

    private const int SharedLimit = 20;

    /// <summary>Settings of two instances of one service on <paramref name="connectionString"/>: one database, one
    /// key prefix, one shared rate limit per caller (<paramref name="limit"/> requests in ten minutes, and at least
    /// that many orders a minute), lost jobs looked for after five seconds, stalled ones after ten.</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync(
        string connectionString, int limit = SharedLimit)
    {
        var settings = await ServiceFixture.RedisSettingsAsync(connectionString);
        // The production default: a command that gets no answer fails after two seconds.
        settings["Redis:OperationTimeout"] = "00:00:02";
        settings["Outbox:RecheckAfter"] = "00:00:05";
        settings["Outbox:StalledAfter"] = "00:00:10";
        settings["RateLimiting:GlobalPolicy"] = "per-caller";
        settings["RateLimiting:Policies:per-caller:Kind"] = "SlidingWindow";
        settings["RateLimiting:Policies:per-caller:PermitLimit"] = limit.ToString(CultureInfo.InvariantCulture);
        settings["RateLimiting:Policies:per-caller:Window"] = "00:10:00";
        settings["RateLimiting:Policies:per-caller:SegmentsPerWindow"] = "10";
        // Placing orders has a stricter policy of its own; the failover runs place hundreds.
        settings["RateLimiting:Policies:strict:PermitLimit"] =
            Math.Max(limit, 30).ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Two instances of one service on <paramref name="connectionString"/>, with <see
    /// cref="SettingsAsync"/>.</summary>
    public static async Task<TwoInstances> StartTwoAsync(string connectionString, int limit = SharedLimit)
    {
        var settings = await SettingsAsync(connectionString, limit);
        var logs = new CapturingLoggerProvider();
        void Capture(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(logs);
        var a = await ServiceFixture.StartAsync("Development", settings, Capture);
        try
        {
            return new TwoInstances(a, await ServiceFixture.StartAsync("Development", settings, Capture), settings, logs);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>A token, orders placed on one instance and read and cancelled on the other, their confirmations,
    /// one rate limit counted by both, and the jobs dashboard.</summary>
    public static async Task WorkTogetherAsync(IAlbaHost a, IAlbaHost b)
    {
        await a.WaitForStatusAsync("/health/ready", 200);
        await b.WaitForStatusAsync("/health/ready", 200);

//#if (auth == "embedded")
        using (var flow = OAuthFlow.For(a))
        {
            var tokens = await flow.SignInAsync("alice", "alice-dev-password");
            Assert.Equal("\"alice\"", await OAuthFlow.CallMeAsync(b, tokens.GetProperty("access_token").GetString()!, 200));
        }

//#endif
        var placed = new List<OrderResponse>();
        // Kim stays under the shared limit: six places, six reads, a read, a cancellation and a read.
        for (var i = 0; i < 6; i++)
        {
            placed.Add(await a.PlaceAsync("kim"));
        }

        foreach (var order in placed)
        {
            await b.WaitForStatusAsync(order.Id, OrderStatus.Confirmed);
            Assert.Equal(OrderStatus.Confirmed,
                (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "kim")).Status);
        }

        // A read on A fills A's cache; the cancellation on B must reach it. B's answer waits for the backplane's
        // publish, not for A to receive it (through the cluster bus on a cluster), so A may serve the old answer
        // for that moment.
        Assert.Equal(OrderStatus.Confirmed,
            (await a.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(placed[0].Id), "kim")).Status);
        await b.Scenario(s =>
        {
            s.Post.Url($"{OrdersApi.OrderUrl(placed[0].Id)}/cancel");
            s.As("kim");
            s.StatusCodeShouldBe(200);
        });
        var seenOnA = OrderStatus.Confirmed;
        await Eventually.HoldsAsync(
            async () => (seenOnA = (await a.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(placed[0].Id), "kim"))
                .Status) == OrderStatus.Cancelled,
            () => $"Instance A still answers {seenOnA} for the order B cancelled.",
            TimeSpan.FromSeconds(10));

        var burst = Enumerable.Range(0, 3 * SharedLimit).Select(i => (i % 2 == 0 ? a : b).Scenario(s =>
        {
            s.As("lim").Get.Url(ProbeEndpoints.Me);
            s.IgnoreStatusCode();
        }));
        var statuses = (await Task.WhenAll(burst)).Select(r => r.Context.Response.StatusCode).ToList();
        // Counted apart, each instance would admit the limit on its own.
        Assert.InRange(statuses.Count(s => s == 200), SharedLimit, SharedLimit + 1);
        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 429 }));

        var dashboard = await b.Scenario(s =>
        {
            s.As("root", "admin").Get.Url("/jobs");
            s.StatusCodeShouldBe(200);
        });
        Assert.Contains("Succeeded", await dashboard.ReadAsTextAsync(), StringComparison.Ordinal);
    }

    /// <summary>The failover run against <paramref name="instances"/>, summarised for the test's output; the
    /// recovery time must stay under <paramref name="bound"/>.</summary>
    public static async Task AssertWritesThroughFailoverAsync(
        TwoInstances instances, Func<Task> failover, Func<Task> promoted, TimeSpan bound, ITestOutputHelper output)
    {
        var (recovery, summary) = await WritesThroughFailoverAsync(
            instances.A, instances.B, failover, promoted, instances.Logs);
        output.WriteLine(summary);
        Assert.True(recovery < bound, $"Not ready again within {bound.TotalSeconds} s: {summary}");
    }

    /// <summary>
    /// Places orders on both instances while <paramref name="failover"/> runs, then checks every answer, that every
    /// order answered 201 is kept and confirmed, and returns how long after the failover began both instances
    /// were ready again once <paramref name="promoted"/> (their readiness writes to the primary), and a summary.
    /// </summary>
    private static async Task<(TimeSpan Recovery, string Summary)> WritesThroughFailoverAsync(
        IAlbaHost a, IAlbaHost b, Func<Task> failover, Func<Task> promoted, CapturingLoggerProvider logs)
    {
        await a.WaitForStatusAsync("/health/ready", 200);
        await b.WaitForStatusAsync("/health/ready", 200);
        var answers = new ConcurrentBag<(int Status, TimeSpan Took, Guid? Id, string Body, long SentAt)>();
        using var stop = new CancellationTokenSource();
        var writers = new[] { a, b }.Select(host => WriteUntilAsync(host, answers, stop.Token)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var started = Stopwatch.GetTimestamp();
        await failover();
        await promoted();
        await Task.WhenAll(WaitReadyAsync(a), WaitReadyAsync(b));
        var recovery = Stopwatch.GetElapsedTime(started);
        // Writes go on a little past recovery, so orders placed after it are judged too.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var unexpected = answers.Where(w => w.Status is not (201 or 503)).ToList();
        Assert.True(unexpected.Count == 0,
            $"Answers other than 201 or 503: {string.Join("; ", unexpected.Select(u => $"{u.Status} {u.Body}"))}. " +
            "Errors logged: " + string.Join(" | ", logs.Entries.Where(e => e.Level >= LogLevel.Error)
                .Select(e => $"{e.Message}: {e.Exception}")));
        var slow = answers.Where(w => w.Took > WriteBound)
            .Select(w => $"{w.Took.TotalMilliseconds:F0} ms sent at " +
                $"{Stopwatch.GetElapsedTime(started, w.SentAt).TotalSeconds:F1} s")
            .ToList();
        Assert.True(slow.Count == 0, $"Writes slower than {WriteBound.TotalSeconds} s (at: after the failover began): " +
            string.Join(", ", slow));
        var accepted = answers.Where(w => w.Status == 201).Select(w => w.Id!.Value).ToList();
        Assert.True(accepted.Count > 20, $"Only {accepted.Count} of {answers.Count} writes were accepted.");

        var summary = $"ready again after {recovery.TotalSeconds:F1} s; {answers.Count} writes, {accepted.Count} " +
            $"answered 201, {answers.Count(w => w.Status == 503)} answered 503, the slowest in " +
            $"{answers.Max(w => w.Took).TotalMilliseconds:F0} ms";
        foreach (var id in accepted)
        {
            try
            {
                await a.WaitForStatusAsync(id, OrderStatus.Confirmed);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                var row = await OrderOutboxTests.RowAsync(a, id);
                var storage = a.Services.GetRequiredService<JobStorage>();
                using var jobs = storage.GetConnection();
                var job = row.JobId is null ? null : jobs.GetJobData(row.JobId);
                var history = row.JobId is null ? null : storage.GetMonitoringApi().JobDetails(row.JobId)?.History
                    .Select(h => $"{h.StateName} at {h.CreatedAt:O} ({h.Reason})");
                var warnings = logs.Entries.Where(l => l.Level >= LogLevel.Warning).TakeLast(20)
                    .Select(l => $"{l.Message}: {l.Exception?.Message}");
                throw new Xunit.Sdk.XunitException(
                    $"{e.Message} Its outbox row: dispatched {row.Dispatches} times, job {row.JobId} in state " +
                    $"{job?.State ?? "none"}, due {row.DueAt:O}, completed {row.CompletedAt:O}. Job history: " +
                    $"{string.Join(", ", history ?? [])}. Warnings logged: {string.Join(" | ", warnings)}");
            }
        }

        return (recovery, summary);
    }

    private static async Task WriteUntilAsync(
        IAlbaHost host, ConcurrentBag<(int, TimeSpan, Guid?, string, long)> answers, CancellationToken stop)
    {
        using var client = host.ClientAs("writer");
        // Bounded twice: by the stop signal, and by a count no run reaches.
        for (var i = 0; i < 5_000 && !stop.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            // A write under way is finished, not cancelled, so that its answer is judged.
            using var response = await client.PostAsJsonAsync(
                "/api/orders", OrdersApi.ValidOrder(), CancellationToken.None);
            var took = Stopwatch.GetElapsedTime(started);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            Guid? id = response.StatusCode == System.Net.HttpStatusCode.Created
                ? (await response.Content.ReadFromJsonAsync<OrderResponse>(OrdersApi.Json, CancellationToken.None))!.Id
                : null;
            answers.Add(((int)response.StatusCode, took, id, body, started));
            if ((int)response.StatusCode == 503)
            {
                Assert.True(response.Headers.RetryAfter is not null, "A 503 without Retry-After.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(40), CancellationToken.None);
        }
    }

    private static Task WaitReadyAsync(IAlbaHost host) =>
        host.WaitForStatusAsync("/health/ready", 200, within: TimeSpan.FromSeconds(90));
}

/// <summary>Two instances of one service and the settings they share.</summary>
internal sealed record TwoInstances(
    IAlbaHost A, IAlbaHost B, Dictionary<string, string?> Settings, CapturingLoggerProvider Logs) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
