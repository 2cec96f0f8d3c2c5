using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mediator;
using StackExchange.Redis;
using Template.Infrastructure;
using Template.Infrastructure.Jobs;

namespace Template.Benchmarks;

/// <summary>A job that does nothing but say it ran: what is measured is the queue, not the work.</summary>
public sealed record NoOpJobCommand(long Sequence) : ICommand;

public sealed class NoOpJobHandler : ICommandHandler<NoOpJobCommand>
{
    public ValueTask<Unit> Handle(NoOpJobCommand command, CancellationToken cancellationToken)
    {
        JobCompletions.Complete(command.Sequence);
        return ValueTask.FromResult(Unit.Value);
    }
}

/// <summary>Lets the measurement wait for a given job, or for a number of jobs, to have run.</summary>
public static class JobCompletions
{
    private static readonly ConcurrentDictionary<long, TaskCompletionSource> Waiting = new();
    private static long completed;

    public static long Completed => Interlocked.Read(ref completed);

    public static Task WhenDone(long sequence) =>
        Waiting.GetOrAdd(sequence, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static void Complete(long sequence)
    {
        Interlocked.Increment(ref completed);
        Waiting.GetOrAdd(sequence, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

/// <summary>Item 4 (and the key half of item 6) for one mode.</summary>
public sealed record JobResult(
    string Mode,
    int Jobs,
    double JobsPerSecond,
    double? RedisCommandsPerJob,
    double P50Ms,
    double P99Ms,
    KeyRetention? Keys);

/// <summary>Redis keys under the jobs prefix: before the measured jobs, right after them, and once their retention has passed.</summary>
public sealed record KeyRetention(long Baseline, long AfterJobs, long AfterRetention, TimeSpan Retention, TimeSpan WaitedAfterRetention);

public static class JobMeasurements
{
    private const int ThroughputJobs = 5000;
    private const int LatencySamples = 300;
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(10);
    private static long sequence;

    /// <summary>Runs the service's job workers in this process, on Redis when <paramref name="redis"/> is given, in memory otherwise.</summary>
    public static async Task<JobResult> RunAsync(RedisProcess? redis)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Staging", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["AuthorizationServer:Issuer"] = "http://127.0.0.1/";
        builder.Configuration["Jobs:FinishedJobRetention"] = Retention.ToString("c", CultureInfo.InvariantCulture);
        if (redis is not null)
        {
            builder.Configuration["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Measurements.FreePort()));
        builder.AddServiceInfrastructure(typeof(JobMeasurements).Assembly);
        builder.Services.AddBenchMediator();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        await app.StartAsync();
        var jobs = app.Services.GetRequiredService<IJobDispatcher>();
        var prefix = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.RedisPrefix;
        var connection = redis is null ? null : await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        try
        {
            // Warm-up: JIT, connections, and the keys Hangfire keeps for good (statistics, the succeeded list).
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => EnqueueAndWaitAsync(jobs)));
            long? baseline = connection is null ? null : await SettledKeyCountAsync(connection, prefix, Retention + TimeSpan.FromSeconds(30));

            // Enqueue-to-done when idle: one job at a time.
            var latencies = new List<double>(LatencySamples);
            for (var i = 0; i < LatencySamples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await EnqueueAndWaitAsync(jobs);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            // Throughput: enqueued by four callers at once, counted until the last one has run.
            if (connection is not null)
            {
                await Server(connection).ConfigResetStatisticsAsync();
            }

            var clock = Stopwatch.StartNew();
            var batches = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var pending = new List<Task>(ThroughputJobs / 4);
                for (var i = 0; i < ThroughputJobs / 4; i++)
                {
                    var number = Interlocked.Increment(ref sequence);
                    pending.Add(JobCompletions.WhenDone(number));
                    jobs.Enqueue(new NoOpJobCommand(number));
                }

                await Task.WhenAll(pending);
            }));
            await Task.WhenAll(batches).WaitAsync(TimeSpan.FromMinutes(5));
            var elapsed = clock.Elapsed;
            double? commandsPerJob = connection is null ? null : await CommandCountAsync(connection) / (double)ThroughputJobs;

            KeyRetention? keys = null;
            if (connection is not null)
            {
                var afterJobs = await KeyCountAsync(connection, prefix);
                await Task.Delay(Retention);
                var waited = Stopwatch.StartNew();
                long now;
                while ((now = await KeyCountAsync(connection, prefix)) > baseline && waited.Elapsed < TimeSpan.FromMinutes(2))
                {
                    await Task.Delay(250);
                }

                keys = new KeyRetention(baseline!.Value, afterJobs, now, Retention, waited.Elapsed);
            }

            latencies.Sort();
            return new JobResult(redis is null ? "in memory" : "Redis", ThroughputJobs, ThroughputJobs / elapsed.TotalSeconds, commandsPerJob,
                Percentile(latencies, 0.50), Percentile(latencies, 0.99), keys);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await app.StopAsync();
        }
    }

    private static async Task EnqueueAndWaitAsync(IJobDispatcher jobs)
    {
        var number = Interlocked.Increment(ref sequence);
        var done = JobCompletions.WhenDone(number);
        jobs.Enqueue(new NoOpJobCommand(number));
        await done.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static IServer Server(ConnectionMultiplexer connection) => connection.GetServer(connection.GetEndPoints()[0]);

    private static async Task<long> KeyCountAsync(ConnectionMultiplexer connection, string prefix)
    {
        long count = 0;
        await foreach (var _ in Server(connection).KeysAsync(pattern: RedisPattern(prefix) + "*", pageSize: 1000))
        {
            count++;
        }

        return count;
    }

    // Hangfire's prefix holds braces (a Redis Cluster hash tag), which are literal in a SCAN pattern; '[' ']' and '*' would not be.
    private static string RedisPattern(string prefix) => prefix.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    /// <summary>The key count once it has stopped falling: the warm-up's jobs have expired.</summary>
    private static async Task<long> SettledKeyCountAsync(ConnectionMultiplexer connection, string prefix, TimeSpan limit)
    {
        await Task.Delay(Retention);
        var clock = Stopwatch.StartNew();
        var last = await KeyCountAsync(connection, prefix);
        var stableSince = clock.Elapsed;
        while (clock.Elapsed < limit && clock.Elapsed - stableSince < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(250);
            var now = await KeyCountAsync(connection, prefix);
            if (now != last)
            {
                (last, stableSince) = (now, clock.Elapsed);
            }
        }

        return last;
    }

    /// <summary>Commands Redis executed since the statistics were reset, less the ones this measurement sent.</summary>
    private static async Task<long> CommandCountAsync(ConnectionMultiplexer connection)
    {
        var info = await Server(connection).InfoAsync("commandstats");
        long total = 0;
        foreach (var entry in info.SelectMany(group => group))
        {
            // cmdstat_hset: calls=12,usec=...
            if (entry.Key.StartsWith("cmdstat_", StringComparison.Ordinal) && entry.Key is not ("cmdstat_info" or "cmdstat_config|resetstat" or "cmdstat_config"))
            {
                var calls = entry.Value.Split(',')[0].Split('=')[1];
                total += long.Parse(calls, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
}
