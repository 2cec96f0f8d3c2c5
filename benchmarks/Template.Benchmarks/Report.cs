using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Template.Benchmarks;

/// <summary>Writes docs/benchmarks.md: the figures, the targets beside them, the machine, and how to reproduce.</summary>
public static class Report
{
    public static string Write(RunResults results)
    {
        var http = results.Http;
        var bare = http.Single(r => r.Name == "bare");
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks").AppendLine()
            .AppendLine("Written by the benchmark suite; do not edit by hand. Every ratio compares two figures measured in the same run.").AppendLine()
            .AppendLine("```bash").AppendLine("dotnet run -c Release --project benchmarks/Template.Benchmarks").AppendLine("```").AppendLine()
            .AppendLine("It needs `wrk`, `redis-server` and PostgreSQL (`apt-get install wrk redis-server postgresql`); see [benchmarks/README.md](../benchmarks/README.md) for what each part does and what was found.").AppendLine()
            .AppendLine(Invariant($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC"))
            .AppendLine(Invariant($"- Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}"))
            .AppendLine(Invariant($"- Runtime: {RuntimeInformation.FrameworkDescription}, Release build, each host a process of its own on core 0, load generator (`wrk -t1 -c32`) on core 1"))
            .AppendLine("- HTTP: loopback, the targets alternated over 5 rounds of 8 s after a warm-up; medians reported")
            .AppendLine();

        text.Append(Summary(results)).AppendLine();
        text.Append(Pipeline(results.Pipeline)).AppendLine();

        text.AppendLine("## 2. HTTP throughput").AppendLine()
            .AppendLine("`GET /bench/echo?name=abc` answering `{\"message\":\"Hello abc\"}`: the service, run in Production as a generated one is (embedded authorization server with a configured signing certificate, SQLite file, in-memory jobs), sends a query with one validation rule through the mediator, behind every middleware (forwarded headers, security headers, request localization, problem details, CORS, rate limiter with a limit the load never reaches, authentication, CSRF step, antiforgery, authorization), with its production logging (JSON console; handled requests at `Debug`, so not written). The bare endpoint is a Minimal API in a process of its own doing the same work with no middleware and no logging.").AppendLine()
            .AppendLine("| Target | Requests/s | p50 | p99 | Ratio to bare | Target |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var result in http.Where(r => !r.Name.Contains("order", StringComparison.Ordinal)))
        {
            var ratio = result.RequestsPerSecond / bare.RequestsPerSecond;
            var goal = result.Name switch
            {
                "service" => Verdict(ratio >= 0.80, "≥ 0.80×"),
                "service + JWT" => Verdict(ratio >= 0.65, "≥ 0.65×"),
                _ => "baseline",
            };
            text.AppendLine(HttpRow(result, ratio, goal));
        }

        text.AppendLine().AppendLine(http.Any(r => r.Name == "service + JWT")
            ? "`service + JWT` calls `/bench/echo/secure` with a client-credentials access token from the embedded server: signature (RS256), issuer, audience, lifetime and type are validated, and its status in the token store (revocation) is checked on every request, from the status remembered until any token changes (`AuthorizationServer:TokenStatusCacheDuration`)."
            : "No `service + JWT` target: this service has no embedded authorization server to issue a token.").AppendLine();
        text.Append(Cache(results.Cache, http, results.Database)).AppendLine();
        text.Append(Jobs(results.Jobs)).AppendLine();

        text.AppendLine("## 5. Start-up, idle CPU and working set").AppendLine()
            .AppendLine("Start-up: process start (`dotnet <dll>`, Production) to the first 200 from `/bench/echo`, median of 5, the hosts alternated. Idle CPU: the process's CPU time over 20 s with no traffic, from 10 s after the load runs ended (the steady cost of timers and polling, not the JIT tiering up after start). Working set: as the operating system counts it, right after the load runs of items 2 and 3, before any forced collection.").AppendLine()
            .Append(HostTable(results.Hosts)).AppendLine();

        text.Append(Memory(results.Memory, results.Jobs.SingleOrDefault(j => j.Keys is not null)?.Keys)).AppendLine();
        text.Append(Database(results.Database, results.Outbox));
        text.AppendLine().Append(Changes());
        return text.ToString();
    }

    // What each change of the per-request work bought, measured before and after in runs of their own
    // ('-- compare'), kept by hand in benchmarks/changes.md and copied here.
    private static string Changes()
    {
        var path = Path.Combine(Measurements.RepositoryRoot(), "benchmarks", "changes.md");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    private static string Summary(RunResults results)
    {
        var http = results.Http;
        double Rps(string name) => http.Single(r => r.Name == name).RequestsPerSecond;
        var jwt = http.SingleOrDefault(r => r.Name == "service + JWT");
        var pipeline = results.Pipeline;
        var pipelineExtra = pipeline.Send.Ns - pipeline.Direct.Ns;
        var redisJobs = results.Jobs.Single(j => j.Mode == "Redis");
        var growth = Growth(results.Memory);
        var service = results.Hosts.Single(h => h.Name == "service");
        var keys = redisJobs.Keys!;
        var l2Ratio = results.Cache.L2Hit.Ns / results.Cache.RawStringGet.Ns;
        var rows = new List<(string Item, string Result, string Target, bool Met)>
        {
            ("1. pipeline, `Send` vs direct call", Invariant($"{pipeline.Send.Ns / pipeline.Direct.Ns:0.0}×, +{pipelineExtra:0} ns, +{pipeline.Send.Bytes - pipeline.Direct.Bytes} B"), "≤ 2×, < 100 ns and < 100 B extra", pipeline.Send.Ns <= 2 * pipeline.Direct.Ns && pipelineExtra < 100 && pipeline.Send.Bytes - pipeline.Direct.Bytes < 100),
            ("2. HTTP, service vs bare", Invariant($"{Rps("service") / Rps("bare"):0.00}×"), "≥ 0.80×", Rps("service") / Rps("bare") >= 0.80),
            ("3. cached order (L1) vs bare order", Invariant($"{Rps("service, cached order (L1)") / Rps("bare, order"):0.00}×"), "≥ 0.90×", Rps("service, cached order (L1)") / Rps("bare, order") >= 0.90),
            ("3. Redis L2 hit vs raw `StringGet`", Invariant($"{l2Ratio:0.00}×"), "≤ 1.3×", l2Ratio <= 1.3),
            ("4. jobs on Redis, throughput", Invariant($"{redisJobs.JobsPerSecond:N0}/s"), "≥ 1,000/s", redisJobs.JobsPerSecond >= 1000),
            ("4. jobs on Redis, commands per job", Invariant($"{redisJobs.RedisCommandsPerJob:0.0}"), "≤ 40", redisJobs.RedisCommandsPerJob <= 40),
            ("4. jobs on Redis, enqueue-to-done p99 (idle)", Invariant($"{redisJobs.P99Ms:0.0} ms"), "≤ 50 ms", redisJobs.P99Ms <= 50),
            ("5. start-up to the first 200", Invariant($"{service.StartupMs:N0} ms"), "≤ 1.0 s", service.StartupMs <= 1000),
            ("5. idle CPU", Invariant($"{service.IdleCpuMsPerSecond:0.0} ms/s"), "≤ 3 ms/s", service.IdleCpuMsPerSecond <= 3),
            ("5. working set after the load runs", Mib(service.WorkingSetAfterLoadBytes), "≤ 120 MiB", service.WorkingSetAfterLoadBytes <= 120L * 1024 * 1024),
            ("6. working set growth, first 1k → 100k more requests", Invariant($"{growth:+0.0;-0.0}%"), "≤ 10%", growth <= 10),
            ("6. Redis keys after the jobs' retention", Invariant($"{keys.AfterRetention:N0} (baseline {keys.Baseline:N0}, {keys.AfterJobs:N0} after the jobs)"), "back to the baseline", keys.AfterRetention <= keys.Baseline),
        };
        if (jwt is not null)
        {
            rows.Insert(2, ("2. HTTP, service + JWT vs bare", Invariant($"{jwt.RequestsPerSecond / Rps("bare"):0.00}×"), "≥ 0.65×", jwt.RequestsPerSecond / Rps("bare") >= 0.65));
        }

        var text = new StringBuilder().AppendLine("## Targets at a glance").AppendLine()
            .AppendLine("| Item | Result | Target | |").AppendLine("| --- | ---: | --- | --- |");
        foreach (var row in rows)
        {
            text.AppendLine(Invariant($"| {row.Item} | {row.Result} | {row.Target} | {(row.Met ? "met" : "**missed**")} |"));
        }

        return text.ToString();
    }

    public static string Cache(
        CacheResult result, IReadOnlyList<HttpResult>? http, IReadOnlyList<DatabaseResult>? database = null)
    {
        var text = new StringBuilder().AppendLine("## 3. Cache").AppendLine();
        if (http is not null)
        {
            var bareOrder = http.Single(r => r.Name == "bare, order");
            text.AppendLine("Over HTTP: `GET /bench/orders/{id}` on the service is a validated, cached query (`ICachedQuery`, shared across callers so no token is needed) answered from the in-process level; on the bare host the same order comes from a dictionary.").AppendLine()
                .AppendLine("| Target | Requests/s | p50 | p99 | Ratio to bare | Target |")
                .AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
            foreach (var row in http.Where(r => r.Name.Contains("order", StringComparison.Ordinal)))
            {
                var ratio = row.RequestsPerSecond / bareOrder.RequestsPerSecond;
                text.AppendLine(HttpRow(row, ratio, row == bareOrder ? "baseline" : Verdict(ratio >= 0.90, "≥ 0.90×")));
            }

            text.AppendLine();
        }

        var l2Ratio = result.L2Hit.Ns / result.RawStringGet.Ns;
        text.AppendLine(Invariant($"In process (BenchmarkDotNet), the service's `HybridCache` in Redis mode on a local `redis-server`, reading an order answer ({result.StoredBytes} B in Redis):")).AppendLine()
            .AppendLine("| Read | Median | Allocated | Target |").AppendLine("| --- | ---: | ---: | --- |")
            .AppendLine(Invariant($"| L1 hit (in-process level) | {Micro(result.L1Hit.Ns)} | {result.L1Hit.Bytes} B | |"))
            .AppendLine(Invariant($"| L2 hit (Redis, in-process level skipped) | {Micro(result.L2Hit.Ns)} | {result.L2Hit.Bytes} B | {Verdict(l2Ratio <= 1.3, "≤ 1.3× raw")}: {l2Ratio:0.00}× |"))
            .AppendLine(Invariant($"| raw StackExchange.Redis `StringGet` of the same bytes | {Micro(result.RawStringGet.Ns)} | {result.RawStringGet.Bytes} B | baseline |"))
            ;
        foreach (var row in database ?? [])
        {
            var read = row.UncachedRead;
            text.AppendLine(Invariant($"| uncached: the order read from {row.Provider} through EF Core, as the store reads one (item 7) | {Micro(read.Ns)} | {read.Bytes} B | reported: {read.Ns / result.L1Hit.Ns:N0}× an L1 hit, {read.Ns / result.L2Hit.Ns:0.00}× an L2 hit |"));
        }

        return text.ToString();
    }

    public static string Jobs(IReadOnlyList<JobResult> results)
    {
        var text = new StringBuilder().AppendLine("## 4. Jobs").AppendLine()
            .AppendLine("The service's job workers (Hangfire, default queues: 2 + 5 + 1 workers) in the benchmark process, running a no-op command through the mediator pipeline. Throughput: jobs enqueued by four callers at once, counted until the last has run. Latency: one job at a time on idle workers, enqueue to the handler's return. Redis commands: `INFO commandstats` over the throughput run (everything Redis executed, background work included) divided by the jobs.").AppendLine()
            .AppendLine("| Mode | Jobs | Jobs/s | Redis commands per job | p50 (idle) | p99 (idle) |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            var commands = result.RedisCommandsPerJob is { } perJob ? Invariant($"{perJob:0.0}") : "—";
            text.AppendLine(Invariant($"| {result.Mode} | {result.Jobs:N0} | {result.JobsPerSecond:N0} | {commands} | {result.P50Ms:0.0} ms | {result.P99Ms:0.0} ms |"));
        }

        var redis = results.SingleOrDefault(r => r.Mode == "Redis");
        if (redis is not null)
        {
            text.AppendLine().AppendLine(Invariant($"Targets on Redis: throughput {Verdict(redis.JobsPerSecond >= 1000, "≥ 1,000/s")}; commands per job {Verdict(redis.RedisCommandsPerJob <= 40, "≤ 40")}; p99 when idle {Verdict(redis.P99Ms <= 50, "≤ 50 ms")}."));
        }

        return text.ToString();
    }

    private static string Memory(MemoryResult memory, KeyRetention? keys)
    {
        var text = new StringBuilder().AppendLine("## 6. Memory and Redis keys").AppendLine()
            .AppendLine("The service process of the HTTP measurements, read by a benchmark-only endpoint after a full garbage collection: after its first thousand requests (over 32 connections, as wrk sends them), after 100,000 more, and after the load runs of items 2 and 3.").AppendLine()
            .AppendLine("| After | Requests | Working set | Managed heap |").AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, point) in new[] { ("the first requests", memory.First), ("100,000 more", memory.HundredThousand), ("the load runs", memory.End) })
        {
            text.AppendLine(Invariant($"| {name} | {point.Requests:N0} | {Mib(point.Reading.WorkingSetBytes)} | {Mib(point.Reading.ManagedHeapBytes)} |"));
        }

        var steady = Growth(memory.HundredThousand, memory.End);
        text.AppendLine().AppendLine(Invariant($"Working set growth from the first thousand to 100,000 more: {Growth(memory):+0.0;-0.0}% ({Verdict(Growth(memory) <= 10, "≤ 10%")}); from there to the end of the load runs: {steady:+0.0;-0.0}%."));
        if (keys is not null)
        {
            text.AppendLine().AppendLine(Invariant($"Redis keys under the jobs prefix with `Jobs:FinishedJobRetention` at {keys.Retention.TotalSeconds:0} s: {keys.Baseline:N0} before the measured jobs (after a warm-up whose jobs had expired), {keys.AfterJobs:N0} right after them, {keys.AfterRetention:N0} once the retention had passed ({keys.WaitedAfterRetention.TotalSeconds:0.0} s after it, for Redis to expire them): {Verdict(keys.AfterRetention <= keys.Baseline, "back to the baseline")}."));
        }

        return text.ToString();
    }

    public static string Database(IReadOnlyList<DatabaseResult> database, IReadOnlyList<OutboxResult> outbox)
    {
        var text = new StringBuilder().AppendLine("## 7. Database and outbox").AppendLine()
            .AppendLine("In process (BenchmarkDotNet), EF Core 10 with pooled contexts, as the service uses it: on a SQLite file in WAL mode, and on a PostgreSQL server of the suite's own on loopback (fsync off). An order shaped like the sample's (lines as JSON) read by id without tracking; an order saved alone; the same order saved with the outbox row that an event with one listener adds, in the same `SaveChanges`.").AppendLine()
            .AppendLine("| Provider | Uncached read | Save an order | Save an order and its outbox row | Outbox row's cost in the request |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var row in database)
        {
            var added = row.SaveOrderWithOutboxRow.Ns - row.SaveOrder.Ns;
            text.AppendLine(Invariant($"| {row.Provider} | {Micro(row.UncachedRead.Ns)}, {row.UncachedRead.Bytes} B | {Micro(row.SaveOrder.Ns)}, {row.SaveOrder.Bytes} B | {Micro(row.SaveOrderWithOutboxRow.Ns)}, {row.SaveOrderWithOutboxRow.Bytes} B | {(added < 0 ? "-" : "+")}{Micro(Math.Abs(added))} ({row.SaveOrderWithOutboxRow.Ns / row.SaveOrder.Ns - 1:+0%;-0%}) |"));
        }

        text.AppendLine().AppendLine("End to end, in process: events raised through the service's `IEvents` and committed with its `ServiceDb`, each in a scope of its own as a use case does, handed to the job queue by its dispatcher and run by its workers; the listener does nothing. Throughput: raised by four callers at once, counted until the last listener has run. SQL statements: every statement EF Core executed in the process during the throughput run (the commit, the dispatcher's polls and claims, the job's read and completion), divided by the events. Latency: one event at a time, from before the commit to the listener's return.").AppendLine()
            .AppendLine("| Backends | Events | Events/s | SQL statements per event | p50 (idle) | p99 (idle) |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in outbox)
        {
            text.AppendLine(Invariant($"| {row.Mode} | {row.Events:N0} | {row.EventsPerSecond:N0} | {row.StatementsPerEvent:0.0} | {row.P50Ms:0.0} ms | {row.P99Ms:0.0} ms |"));
        }

        return text.ToString();
    }

    private static double Growth(MemoryResult memory) => Growth(memory.First, memory.HundredThousand);

    private static double Growth(MemoryPoint from, MemoryPoint to) =>
        ((double)to.Reading.WorkingSetBytes / from.Reading.WorkingSetBytes - 1) * 100;

    private static string HttpRow(HttpResult result, double ratio, string goal) =>
        Invariant($"| {result.Name} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.00} ms | {result.P99Ms:0.00} ms | {ratio:0.00}× | {goal} |");

    private static string Micro(double ns) => ns >= 1000 ? Invariant($"{ns / 1000:0.0} µs") : Invariant($"{ns:0} ns");

    private static string Mib(long bytes) => Invariant($"{bytes / 1024.0 / 1024.0:0.0} MiB");

    /// <summary>Items 2 and 5 alone, as Markdown tables: each target's requests per second and its ratio to the bare
    /// host of the same run, then each host's start-up, idle CPU and working set.</summary>
    public static string Http(HttpRun run)
    {
        var bare = run.Http.Single(r => r.Name == "bare").RequestsPerSecond;
        var text = new StringBuilder()
            .AppendLine("| Target | Requests/s | p50 | p99 | Ratio to bare |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var result in run.Http)
        {
            text.AppendLine(Invariant($"| {result.Name} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.00} ms | {result.P99Ms:0.00} ms | {result.RequestsPerSecond / bare:0.00}× |"));
        }

        return text.AppendLine().Append(HostTable(run.Hosts)).ToString();
    }

    private static string HostTable(IReadOnlyList<HostFigures> hosts)
    {
        var text = new StringBuilder()
            .AppendLine("| Host | Start-up to first 200 | Idle CPU | Working set after the load runs |")
            .AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var host in hosts)
        {
            text.AppendLine(Invariant($"| {host.Name} | {host.StartupMs:N0} ms | {host.IdleCpuMsPerSecond:0.0} ms/s | {Mib(host.WorkingSetAfterLoadBytes)} |"));
        }

        return text.ToString();
    }

    public static string Pipeline(PipelineResult result)
    {
        var (direct, send) = (result.Direct, result.Send);
        var extraNs = send.Ns - direct.Ns;
        var extraBytes = send.Bytes - direct.Bytes;
        var ratio = send.Ns / direct.Ns;
        var ownNs = result.SendWithoutValidator.Ns - direct.Ns;
        var ownBytes = result.SendWithoutValidator.Bytes - direct.Bytes;
        return new StringBuilder()
            .AppendLine("## 1. Mediator pipeline, in process").AppendLine()
            .AppendLine("BenchmarkDotNet 0.15.8 (`MemoryDiagnoser`, in-process toolchain). `Send` goes through the five pipeline behaviors, as `Program.cs` lists them: logging, normalization, authorization, validation with one rule (`NotEmpty`), caching. The request needs no authorization and is not cached, so those steps are skipped by a per-type decision. Loggers are registered without a console, so logging costs its level checks. The last two rows split the difference: FluentValidation validating the same request on its own, and a request with no validator through the same pipeline.").AppendLine()
            .AppendLine("| Call | Median | Allocated |").AppendLine("| --- | ---: | ---: |")
            .AppendLine(Invariant($"| handler called directly | {direct.Ns:0.0} ns | {direct.Bytes} B |"))
            .AppendLine(Invariant($"| `ISender.Send` through the pipeline | {send.Ns:0.0} ns | {send.Bytes} B |"))
            .AppendLine(Invariant($"| FluentValidation alone (`Validate`, one rule) | {result.ValidatorAlone.Ns:0.0} ns | {result.ValidatorAlone.Bytes} B |"))
            .AppendLine(Invariant($"| `ISender.Send` of a request without a validator | {result.SendWithoutValidator.Ns:0.0} ns | {result.SendWithoutValidator.Bytes} B |"))
            .AppendLine().AppendLine("| Measure | Result | Target |").AppendLine("| --- | ---: | --- |")
            .AppendLine(Invariant($"| time ratio | {ratio:0.0}× | {Verdict(ratio <= 2, "≤ 2×")} |"))
            .AppendLine(Invariant($"| extra time per request | {extraNs:0} ns | {Verdict(extraNs < 100, "< 100 ns")} |"))
            .AppendLine(Invariant($"| extra allocation per request | {extraBytes} B | {Verdict(extraBytes < 100, "< 100 B")} |"))
            .AppendLine(Invariant($"| of which FluentValidation | {result.ValidatorAlone.Ns:0} ns, {result.ValidatorAlone.Bytes} B | not ours |"))
            .AppendLine(Invariant($"| of which mediator and pipeline (no validator) | {ownNs:0} ns, {ownBytes} B | {Verdict(ownNs < 100 && ownBytes < 100, "< 100 ns / 100 B")} |"))
            .ToString();
    }

    private static string Verdict(bool met, string target) => met ? $"{target}: met" : $"{target}: **missed**";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        var line = File.Exists(cpuInfo) ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
