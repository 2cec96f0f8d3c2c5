using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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

public sealed record StartupResult(double ServiceMs, double BareMs);

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
    StartupResult Startup);

/// <summary>Runs the measurements. HTTP: server on core 0, wrk on core 1 (when there are two), targets alternated.</summary>
public static partial class Measurements
{
    private const int Rounds = 5;
    private static readonly TimeSpan RoundDuration = TimeSpan.FromSeconds(8);

    public static async Task RunAllAsync(string reportPath)
    {
        var pipeline = RunPipeline();
        var cache = RunCache();
        var database = RunDatabase();
        var jobs = await RunJobsAsync();
        var outbox = await RunOutboxAsync();
        var (http, memory, startup) = await RunHttpAsync();
        var report = Report.Write(new RunResults(pipeline, cache, database, jobs, outbox, http, memory, startup));
        Console.WriteLine(report);
        var path = Path.IsPathRooted(reportPath) ? reportPath : Path.Combine(RepositoryRoot(), reportPath);
        await File.WriteAllTextAsync(path, report);
        Console.WriteLine($"Written to {path}");
    }

    // `dotnet run --project` starts the program in the project's folder; the report belongs to the repository's docs.
    private static string RepositoryRoot()
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

    public static async Task<(IReadOnlyList<HttpResult> Http, MemoryResult Memory, StartupResult Startup)> RunHttpAsync()
    {
        var (servicePort, barePort) = (FreePort(), FreePort());
        var tokenFile = Path.Combine(Path.GetTempPath(), $"bench-token-{Guid.NewGuid():N}");
        using var host = StartPinned(0, "serve", servicePort.ToString(CultureInfo.InvariantCulture), barePort.ToString(CultureInfo.InvariantCulture), tokenFile);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(tokenFile))
            {
                if (host.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("The benchmark host did not start.");
                }

                await Task.Delay(100);
            }

            var token = await File.ReadAllTextAsync(tokenFile);
            using var client = new HttpClient();
            // Item 6, first reading: after the first thousand requests, sent over as many connections as wrk uses.
            var greeting = new Uri($"http://127.0.0.1:{servicePort}{GreetingEndpoints.Anonymous}?name=world");
            await Task.WhenAll(Enumerable.Range(0, 32).Select(async connection =>
            {
                for (var i = connection; i < 1000; i += 32)
                {
                    using var answer = await client.GetAsync(greeting);
                    answer.EnsureSuccessStatusCode();
                }
            }));
            var serviceRequests = 1000L;
            var first = new MemoryPoint(serviceRequests, await ReadMemoryAsync(client, barePort));

            // Second reading: after at least 100,000 more.
            while (serviceRequests - first.Requests < 100_000)
            {
                serviceRequests += (await WrkAsync(greeting.ToString(), null, TimeSpan.FromSeconds(4))).Requests;
            }

            var hundredThousand = new MemoryPoint(serviceRequests, await ReadMemoryAsync(client, barePort));
            var targets = new (string Name, string Url, string? Token)[]
            {
                ("bare", $"http://127.0.0.1:{barePort}{GreetingEndpoints.Anonymous}?name=world", null),
                ("service", $"http://127.0.0.1:{servicePort}{GreetingEndpoints.Anonymous}?name=world", null),
                ("service + JWT", $"http://127.0.0.1:{servicePort}{GreetingEndpoints.Secure}?name=world", token),
                ("bare, order", $"http://127.0.0.1:{barePort}{BenchOrders.Url}", null),
                ("service, cached order (L1)", $"http://127.0.0.1:{servicePort}{BenchOrders.Url}", null),
            }.Where(t => t.Token != "").ToArray(); // No token: the service issues none, so there is no JWT target.
            foreach (var target in targets)
            {
                // Warm-up: JIT, tiered compilation, pools.
                serviceRequests += ServiceShare(target.Name, await WrkAsync(target.Url, target.Token, TimeSpan.FromSeconds(3)));
            }

            var samples = targets.ToDictionary(t => t.Name, _ => new List<WrkRun>());
            for (var round = 0; round < Rounds; round++)
            {
                // Alternate the order so drift (heat, background work) does not favour one target.
                var order = round % 2 == 0 ? targets : targets.Reverse().ToArray();
                foreach (var target in order)
                {
                    var run = await WrkAsync(target.Url, target.Token, RoundDuration);
                    samples[target.Name].Add(run);
                    serviceRequests += ServiceShare(target.Name, run);
                }
            }

            var end = new MemoryPoint(serviceRequests, await ReadMemoryAsync(client, barePort));

            var http = targets.Select(t => new HttpResult(t.Name,
                Median(samples[t.Name].Select(s => s.RequestsPerSecond)),
                Median(samples[t.Name].Select(s => s.P50Ms)),
                Median(samples[t.Name].Select(s => s.P99Ms)))).ToList();
            host.Kill(entireProcessTree: true);
            return (http, new MemoryResult(first, hundredThousand, end), await MeasureStartupAsync());
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            File.Delete(tokenFile);
        }
    }

    /// <summary>Item 5: process start to the first 200 from /health/ready, for the service and the bare host.</summary>
    private static async Task<StartupResult> MeasureStartupAsync()
    {
        async Task<double> OnceAsync(string which)
        {
            var port = FreePort();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var clock = Stopwatch.StartNew();
            using var process = StartPinned(0, "start", which, port.ToString(CultureInfo.InvariantCulture));
            try
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    try
                    {
                        using var answer = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                        if (answer.StatusCode == HttpStatusCode.OK)
                        {
                            return clock.Elapsed.TotalMilliseconds;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                    catch (TaskCanceledException)
                    {
                        // Listening, not answering yet.
                    }

                    await Task.Delay(5);
                }

                throw new InvalidOperationException($"The {which} host did not become ready.");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var service = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            service.Add(await OnceAsync("service"));
            bare.Add(await OnceAsync("bare"));
        }

        return new StartupResult(Median(service), Median(bare));
    }

    private sealed record WrkRun(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests);

    private static long ServiceShare(string target, WrkRun run) => target.StartsWith("service", StringComparison.Ordinal) ? run.Requests : 0;

    private static async Task<MemoryReading> ReadMemoryAsync(HttpClient client, int barePort) =>
        (await client.GetFromJsonAsync<MemoryReading>(new Uri($"http://127.0.0.1:{barePort}{Hosts.MemoryPath}")))!;

    private static async Task<WrkRun> WrkAsync(string url, string? token, TimeSpan duration)
    {
        var arguments = new List<string> { "-t1", "-c32", $"-d{(int)duration.TotalSeconds}s", "--latency" };
        if (token is not null)
        {
            arguments.AddRange(["-H", $"Authorization: Bearer {token}"]);
        }

        arguments.Add(url);
        var start = new ProcessStartInfo(Environment.ProcessorCount > 1 ? "taskset" : "wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Environment.ProcessorCount > 1)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("1");
            start.ArgumentList.Add("wrk");
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start; install it (apt-get install wrk).");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (Regex.IsMatch(output, @"Non-2xx or 3xx responses", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new InvalidOperationException($"{url} answered errors under load:\n{output}");
        }

        return new WrkRun(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(Percentile().Matches(output).Single(m => m.Groups[1].Value == "50").Groups),
            Milliseconds(Percentile().Matches(output).Single(m => m.Groups[1].Value == "99").Groups),
            long.Parse(RequestCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static double Milliseconds(GroupCollection groups)
    {
        var value = double.Parse(groups[2].Value, CultureInfo.InvariantCulture);
        return groups[3].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => throw new FormatException($"Unknown latency unit '{groups[3].Value}'."),
        };
    }

    private static Process StartPinned(int core, params string[] arguments)
    {
        var self = typeof(Measurements).Assembly.Location;
        var pin = Environment.ProcessorCount > 1 ? $"taskset -c {core} " : "";
        var command = $"exec {pin}dotnet '{self}' {string.Join(' ', arguments.Select(a => $"'{a}'"))}";
        // The service's JSON request logs go to /dev/null: writing them is part of its cost, reading them is not.
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command + " > /dev/null 2>&1");
        return Process.Start(start)!;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"([0-9]+) requests in ")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();
}
