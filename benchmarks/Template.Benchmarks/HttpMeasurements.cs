using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Template.Benchmarks;

/// <summary>What one HTTP run measured: the targets' medians, the service's memory points, each host's figures.</summary>
public sealed record HttpRun(IReadOnlyList<HttpResult> Http, MemoryResult? Memory, IReadOnlyList<HostFigures> Hosts);

/// <summary>
/// Items 2, 3 (over HTTP), 5 and 6. Every host is a process of its own pinned to core 0, wrk runs on core 1, the
/// targets alternate. Given several builds of this benchmark (the same harness at two commits), it runs each one's
/// service beside the others and one bare host, so a change's before and after come from one run.
/// </summary>
public static partial class HttpMeasurements
{
    private const int Rounds = 5;
    private static readonly TimeSpan RoundDuration = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(20);
    public const string EchoQuery = "?name=abc";

    /// <param name="builds">A label and the benchmark's dll for each build; the first one's bare host is the
    /// baseline.</param>
    /// <param name="withOrders">Also the cached order against the bare host's, and the memory points of item 6
    /// (first build only).</param>
    public static async Task<HttpRun> RunAsync(IReadOnlyList<(string Label, string Dll)> builds, bool withOrders)
    {
        var certificate = Hosts.CreateSigningCertificate();
        var processes = new List<HostProcess>();
        try
        {
            var bare = await HostProcess.StartAsync("bare", builds[0].Dll, "bare", certificate);
            processes.Add(bare);
            var services = new List<HostProcess>();
            foreach (var (label, dll) in builds)
            {
                var service = await HostProcess.StartAsync(Name("service", label), dll, "service", certificate);
                services.Add(service);
                processes.Add(service);
            }

            using var client = new HttpClient();
            MemoryResult? memory = null;
            var main = services[0];
            MemoryPoint? first = null;
            MemoryPoint? hundredThousand = null;
            if (withOrders)
            {
                // Item 6, first reading: after the first thousand requests, over as many connections as wrk uses.
                var echo = new Uri(main.Url(EchoEndpoints.Anonymous + EchoQuery));
                await Task.WhenAll(Enumerable.Range(0, 32).Select(async connection =>
                {
                    for (var i = connection; i < 1000; i += 32)
                    {
                        using var answer = await client.GetAsync(echo);
                        answer.EnsureSuccessStatusCode();
                    }
                }));
                main.Requests = 1000;
                first = new MemoryPoint(main.Requests, await main.ReadMemoryAsync(client));
                while (main.Requests - first.Requests < 100_000)
                {
                    main.Requests += (await WrkAsync(echo.ToString(), null, TimeSpan.FromSeconds(4))).Requests;
                }

                hundredThousand = new MemoryPoint(main.Requests, await main.ReadMemoryAsync(client));
            }

            var targets = new List<(string Name, HostProcess Host, string Url, string? Token)>
            {
                ("bare", bare, bare.Url(EchoEndpoints.Anonymous + EchoQuery), null),
            };
            foreach (var service in services)
            {
                targets.Add((service.Name, service, service.Url(EchoEndpoints.Anonymous + EchoQuery), null));
                if (service.Token != "")
                {
                    // No token: the service issues none, so there is no JWT target.
                    targets.Add((service.Name + " + JWT", service, service.Url(EchoEndpoints.Secure + EchoQuery), service.Token));
                }
            }

            if (withOrders)
            {
                targets.Add(("bare, order", bare, bare.Url(BenchOrders.Url), null));
                targets.Add(("service, cached order (L1)", main, main.Url(BenchOrders.Url), null));
            }

            foreach (var target in targets)
            {
                // Warm-up: JIT, tiered compilation, pools.
                target.Host.Requests += (await WrkAsync(target.Url, target.Token, TimeSpan.FromSeconds(3))).Requests;
            }

            var samples = targets.ToDictionary(t => t.Name, _ => new List<WrkRun>());
            for (var round = 0; round < Rounds; round++)
            {
                // Alternate the order so drift (heat, background work) does not favour one target.
                var order = round % 2 == 0 ? targets : Enumerable.Reverse(targets).ToList();
                foreach (var target in order)
                {
                    var run = await WrkAsync(target.Url, target.Token, RoundDuration);
                    samples[target.Name].Add(run);
                    target.Host.Requests += run.Requests;
                }
            }

            var workingSets = processes.ToDictionary(p => p, p => p.WorkingSet);

            // Idle: every host left alone for 10 s after the load, then its CPU time over the window, all at once.
            // After the load, so the figure is the steady cost (timers, polling), not the JIT tiering up after start.
            await Task.Delay(TimeSpan.FromSeconds(10));
            var before = processes.ToDictionary(p => p, p => p.CpuTime);
            await Task.Delay(IdleWindow);
            var idle = processes.ToDictionary(p => p, p => (p.CpuTime - before[p]).TotalMilliseconds / IdleWindow.TotalSeconds);
            if (withOrders)
            {
                memory = new MemoryResult(first!, hundredThousand!, new MemoryPoint(main.Requests, await main.ReadMemoryAsync(client)));
            }

            var http = targets.Select(t => new HttpResult(t.Name,
                Measurements.Median(samples[t.Name].Select(s => s.RequestsPerSecond)),
                Measurements.Median(samples[t.Name].Select(s => s.P50Ms)),
                Measurements.Median(samples[t.Name].Select(s => s.P99Ms)))).ToList();
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            processes.Clear();
            var startup = await MeasureStartupAsync(builds, certificate);
            var figures = new List<HostFigures> { new("bare", startup["bare"], idle[bare], workingSets[bare]) };
            figures.AddRange(services.Select(s => new HostFigures(s.Name, startup[s.Name], idle[s], workingSets[s])));
            return new HttpRun(http, memory, figures);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            File.Delete(certificate);
        }
    }

    /// <summary>
    /// Publishes this benchmark as a service is deployed (Release, ReadyToRun for this machine's runtime identifier)
    /// into a temporary folder and returns the published dll.
    /// </summary>
    public static async Task<string> PublishAsync(string repositoryRoot)
    {
        var output = Directory.CreateTempSubdirectory("bench-published-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "publish", Path.Combine(repositoryRoot, "benchmarks", "Template.Benchmarks", "Template.Benchmarks.csproj"),
            "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
            "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{log}");
        }

        return Path.Combine(output, Path.GetFileName(typeof(HttpMeasurements).Assembly.Location));
    }

    private static string Name(string host, string label) => label == "" ? host : $"{host} ({label})";

    /// <summary>Item 5: process start to the first 200 from the echo endpoint, each host five times, alternated.</summary>
    private static async Task<Dictionary<string, double>> MeasureStartupAsync(
        IReadOnlyList<(string Label, string Dll)> builds, string certificate)
    {
        var hosts = new List<(string Name, string Dll, string Which)> { ("bare", builds[0].Dll, "bare") };
        hosts.AddRange(builds.Select(b => (Name("service", b.Label), b.Dll, "service")));
        var times = hosts.ToDictionary(h => h.Name, _ => new List<double>());
        for (var i = 0; i < Rounds; i++)
        {
            foreach (var (name, dll, which) in hosts)
            {
                times[name].Add(await StartOnceAsync(dll, which, certificate));
            }
        }

        return times.ToDictionary(t => t.Key, t => Measurements.Median(t.Value));
    }

    private static async Task<double> StartOnceAsync(string dll, string which, string certificate)
    {
        var port = Measurements.FreePort();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var echo = new Uri($"http://127.0.0.1:{port}{EchoEndpoints.Anonymous}{EchoQuery}");
        var clock = Stopwatch.StartNew();
        using var process = StartPinned(dll, "start", which, port.ToString(CultureInfo.InvariantCulture), certificate);
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var answer = await client.GetAsync(echo);
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

            throw new InvalidOperationException($"The {which} host of {dll} did not answer.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>One host process pinned to core 0, started with <c>serve</c>, its ready file read.</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly int port;

        private HostProcess(string name, Process process, int port, string token)
        {
            Name = name;
            this.process = process;
            this.port = port;
            Token = token;
        }

        public string Name { get; }

        public string Token { get; }

        public long Requests { get; set; }

        public TimeSpan CpuTime
        {
            get
            {
                process.Refresh();
                return process.TotalProcessorTime;
            }
        }

        public long WorkingSet
        {
            get
            {
                process.Refresh();
                return process.WorkingSet64;
            }
        }

        public string Url(string pathAndQuery) => $"http://127.0.0.1:{port}{pathAndQuery}";

        public async Task<MemoryReading> ReadMemoryAsync(HttpClient client) =>
            (await client.GetFromJsonAsync<MemoryReading>(new Uri(Url(Hosts.MemoryPath))))!;

        public static async Task<HostProcess> StartAsync(string name, string dll, string which, string certificate)
        {
            var port = Measurements.FreePort();
            var readyFile = Path.Combine(Path.GetTempPath(), $"bench-ready-{Guid.NewGuid():N}");
            var process = StartPinned(dll, "serve", which, port.ToString(CultureInfo.InvariantCulture), readyFile, certificate);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(readyFile))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    process.Kill(entireProcessTree: true);
                    process.Dispose();
                    throw new InvalidOperationException($"The {name} host ({dll}) did not start.");
                }

                await Task.Delay(100);
            }

            var token = await File.ReadAllTextAsync(readyFile);
            File.Delete(readyFile);
            return new HostProcess(name, process, port, token);
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    private sealed record WrkRun(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests);

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

    private static Process StartPinned(string dll, params string[] arguments)
    {
        var pin = Environment.ProcessorCount > 1 ? "taskset -c 0 " : "";
        var command = $"exec {pin}dotnet '{dll}' {string.Join(' ', arguments.Select(a => $"'{a}'"))}";
        // The service's JSON logs go to /dev/null: writing them is part of its cost, reading them is not.
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command + " > /dev/null 2>&1");
        // Each build runs from its own folder, so its appsettings.json and SQLite file are its own.
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        return Process.Start(start)!;
    }

    [GeneratedRegex(@"([0-9]+) requests in ")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();
}
