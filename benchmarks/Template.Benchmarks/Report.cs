using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Template.Benchmarks;

/// <summary>Writes docs/benchmarks.md: the figures, the targets beside them, the machine, and how to reproduce.</summary>
public static class Report
{
    public static string Write(PipelineResult pipeline, IReadOnlyList<HttpResult> http, StartupResult startup)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(startup);
        var bare = http.Single(r => r.Name == "bare");
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks").AppendLine()
            .AppendLine("Written by the benchmark suite; do not edit by hand. Every ratio compares two figures measured in the same run.").AppendLine()
            .AppendLine("```bash").AppendLine("dotnet run -c Release --project benchmarks/Template.Benchmarks").AppendLine("```").AppendLine()
            .AppendLine(Invariant($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC"))
            .AppendLine(Invariant($"- Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}"))
            .AppendLine(Invariant($"- Runtime: {RuntimeInformation.FrameworkDescription}, Release build, server on core 0, load generator (`wrk -t1 -c32`) on core 1"))
            .AppendLine(Invariant($"- HTTP: loopback, {bare.Name} and service targets alternated over 5 rounds of 8 s after a warm-up; medians reported"))
            .AppendLine();

        text.Append(Pipeline(pipeline)).AppendLine();

        text.AppendLine("## 2. HTTP throughput").AppendLine()
            .AppendLine("`GET /bench/greeting?name=world`: the service sends a query with one validation rule through the mediator, behind every middleware (security headers, problem details, rate limiter with a limit never reached, authentication, CSRF step, authorization) and writes a JSON log line per request. The bare endpoint is a Minimal API in the same process doing the same work with no middleware and no logging.").AppendLine()
            .AppendLine("| Target | Requests/s | p50 | p99 | Ratio to bare | Target |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var result in http)
        {
            var ratio = result.RequestsPerSecond / bare.RequestsPerSecond;
            var goal = result.Name switch
            {
                "service" => Verdict(ratio >= 0.80, "≥ 0.80×"),
                "service + JWT" => Verdict(ratio >= 0.60, "≥ 0.60×"),
                _ => "baseline",
            };
            text.AppendLine(Invariant($"| {result.Name} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.00} ms | {result.P99Ms:0.00} ms | {ratio:0.00}× | {goal} |"));
        }

        text.AppendLine().AppendLine("`service + JWT` calls `/bench/greeting/secure` with a client-credentials access token from the embedded server: signature, issuer, audience and lifetime are validated, and the token is looked up in the token store (revocation) on every request.").AppendLine();

        text.AppendLine("## 5. Start-up").AppendLine()
            .AppendLine("Process start (`dotnet <dll>`) to the first 200 from `/health/ready`, median of 5.").AppendLine()
            .AppendLine("| Host | Time | Target |").AppendLine("| --- | ---: | --- |")
            .AppendLine(Invariant($"| service | {startup.ServiceMs:N0} ms | {Verdict(startup.ServiceMs < 1000, "< 1 s")} |"))
            .AppendLine(Invariant($"| bare | {startup.BareMs:N0} ms | baseline ({startup.ServiceMs / startup.BareMs:0.0}× for the service) |"))
            .AppendLine();

        text.AppendLine("## Not measured yet").AppendLine()
            .AppendLine("Items 3 (cache: L1 and Redis L2 hits), 4 (jobs on Redis: throughput, Redis commands per job, latency), and 6 (memory after 100k requests; Redis keys after job retention) are not part of this run yet.");
        return text.ToString();
    }

    public static string Pipeline(PipelineResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var extraNs = result.SendNs - result.DirectNs;
        var extraBytes = result.SendBytes - result.DirectBytes;
        var ratio = result.SendNs / result.DirectNs;
        return new StringBuilder()
            .AppendLine("## 1. Mediator pipeline, in process").AppendLine()
            .AppendLine("BenchmarkDotNet 0.15.8 (`MemoryDiagnoser`, in-process toolchain). `Send` goes through logging, normalization, authorization, validation with one rule and caching; the request needs no authorization and is not cached, so those two only look it up. Loggers are registered without a console, so the log call costs only its level check.").AppendLine()
            .AppendLine("| Call | Median | Allocated |").AppendLine("| --- | ---: | ---: |")
            .AppendLine(Invariant($"| handler called directly | {result.DirectNs:0.0} ns | {result.DirectBytes} B |"))
            .AppendLine(Invariant($"| `ISender.Send` through the pipeline | {result.SendNs:0.0} ns | {result.SendBytes} B |"))
            .AppendLine().AppendLine("| Measure | Result | Target |").AppendLine("| --- | ---: | --- |")
            .AppendLine(Invariant($"| time ratio | {ratio:0.0}× | {Verdict(ratio <= 2, "≤ 2×")} |"))
            .AppendLine(Invariant($"| extra time per request | {extraNs:0} ns | {Verdict(extraNs < 100, "< 100 ns")} |"))
            .AppendLine(Invariant($"| extra allocation per request | {extraBytes} B | {Verdict(extraBytes < 100, "< 100 B")} |"))
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
