using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Template.Benchmarks;

/// <summary>One BenchmarkDotNet row: median time and bytes allocated per call.</summary>
public sealed record Timing(double Ns, long Bytes);

public sealed record PipelineResult(Timing Direct, Timing Send, Timing ValidatorAlone, Timing SendWithoutValidator);

/// <summary>One HTTP target's medians over the rounds.</summary>
public sealed record HttpResult(string Name, double RequestsPerSecond, double P50Ms, double P99Ms);

/// <summary>Item 5 and the idle and memory figures of one host process: start-up to its first 200 from the echo
/// endpoint (median of 5), CPU per second with no traffic, working set after the load runs as the OS counts it.</summary>
public sealed record HostFigures(string Name, double StartupMs, double IdleCpuMsPerSecond, long WorkingSetAfterLoadBytes);

/// <summary>Item 3 in process: medians of the cache reads and of the reads they are compared with.</summary>
public sealed record CacheResult(Timing L1Hit, Timing L2Hit, Timing RawStringGet, int StoredBytes);

/// <summary>Items 3 and 7 in process, per provider: an uncached order read, an order saved alone and with an outbox
/// row.</summary>
public sealed record DatabaseResult(string Provider, Timing UncachedRead, Timing SaveOrder, Timing SaveOrderWithOutboxRow);

/// <summary>One memory reading of the service process and how many requests it had served by then.</summary>
public sealed record MemoryPoint(long Requests, MemoryReading Reading);

/// <summary>Item 6: the service process's memory after its first requests, after 100,000 more, and after the load runs.</summary>
public sealed record MemoryResult(MemoryPoint First, MemoryPoint HundredThousand, MemoryPoint End);

/// <summary>Everything one run measured.</summary>
public sealed record RunResults(
    PipelineResult Pipeline,
    CacheResult Cache,
    IReadOnlyList<DatabaseResult> Database,
    IReadOnlyList<JobResult> Jobs,
    IReadOnlyList<OutboxResult> Outbox,
    IReadOnlyList<HttpResult> Http,
    MemoryResult Memory,
    IReadOnlyList<HostFigures> Hosts);

/// <summary>Runs the measurements. HTTP: server on core 0, wrk on core 1 (when there are two), targets alternated.</summary>
public static partial class Measurements
{
    public static async Task RunAllAsync(string reportPath)
    {
        var pipeline = RunPipeline();
        var cache = RunCache();
        var database = RunDatabase();
        var jobs = await RunJobsAsync();
        var outbox = await RunOutboxAsync();
        // The HTTP item runs the service as it is deployed: published, precompiled (ReadyToRun).
        var published = await HttpMeasurements.PublishAsync(RepositoryRoot());
        var run = await HttpMeasurements.RunAsync([("", published)], withOrders: true);
        var report = Report.Write(new RunResults(pipeline, cache, database, jobs, outbox, run.Http, run.Memory!, run.Hosts));
        Console.WriteLine(report);
        var path = Path.IsPathRooted(reportPath) ? reportPath : Path.Combine(RepositoryRoot(), reportPath);
        await File.WriteAllTextAsync(path, report);
        Console.WriteLine($"Written to {path}");
    }

    // `dotnet run --project` starts the program in the project's folder; the report belongs to the repository's docs.
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "docs")) && directory.EnumerateFiles("*.sln").Any())
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder with docs/ and a solution above {Environment.CurrentDirectory}.");
    }

    public static PipelineResult RunPipeline()
    {
        var row = Run<PipelineBenchmarks>();
        return new PipelineResult(
            row(nameof(PipelineBenchmarks.DirectHandlerCall)),
            row(nameof(PipelineBenchmarks.SendThroughPipeline)),
            row(nameof(PipelineBenchmarks.ValidatorAlone)),
            row(nameof(PipelineBenchmarks.SendWithoutValidator)));
    }

    public static CacheResult RunCache()
    {
        var row = Run<CacheBenchmarks>();
        return new CacheResult(
            row(nameof(CacheBenchmarks.L1Hit)),
            row(nameof(CacheBenchmarks.L2Hit)),
            row(nameof(CacheBenchmarks.RawStringGet)),
            CacheBenchmarks.StoredBytes);
    }

    private static readonly string[] Providers = ["SQLite", "PostgreSQL"];

    public static IReadOnlyList<DatabaseResult> RunDatabase()
    {
        var row = Run<DatabaseBenchmarks>();
        return [.. Providers.Select(provider => new DatabaseResult(
            provider,
            row($"{nameof(DatabaseBenchmarks.UncachedRead)}:{provider}"),
            row($"{nameof(DatabaseBenchmarks.SaveOrder)}:{provider}"),
            row($"{nameof(DatabaseBenchmarks.SaveOrderWithOutboxRow)}:{provider}")))];
    }

    /// <summary>Item 7 end to end: SQLite with jobs in memory, then PostgreSQL with jobs on Redis.</summary>
    public static async Task<IReadOnlyList<OutboxResult>> RunOutboxAsync()
    {
        var embedded = await OutboxMeasurements.RunAsync(postgres: null, redis: null);
        await using var postgres = await PostgresProcess.StartAsync();
        await using var redis = await RedisProcess.StartAsync();
        return [embedded, await OutboxMeasurements.RunAsync(postgres, redis)];
    }

    /// <summary>Item 4: the job measurements in memory, then on a redis-server of the benchmark's own.</summary>
    public static async Task<IReadOnlyList<JobResult>> RunJobsAsync()
    {
        var inMemory = await JobMeasurements.RunAsync(redis: null);
        await using var redis = await RedisProcess.StartAsync();
        return [inMemory, await JobMeasurements.RunAsync(redis)];
    }

    /// <summary>Runs a BenchmarkDotNet class in process and returns a reader of its rows (median, bytes per call).</summary>
    private static Func<string, Timing> Run<TBenchmarks>()
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<TBenchmarks>(config);
        // "Method" or "Method:parameter value" for a benchmark with one parameter.
        return method =>
        {
            var (name, parameter) = method.Split(':') is [var m, var p] ? (m, p) : (method, null);
            var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == name
                && (parameter is null || r.BenchmarkCase.Parameters.Items.Single().Value?.ToString() == parameter));
            return new Timing(report.ResultStatistics!.Median, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0);
        };
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
