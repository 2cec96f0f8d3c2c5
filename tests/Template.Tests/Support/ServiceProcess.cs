using System.Diagnostics;

namespace Template.Tests.Support;

/// <summary>
/// The built service started with <c>dotnet Template.dll</c> as a real process on a loopback port, for what
/// a test host cannot show: a process that really dies, or one whose process-wide state is its own.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>
    /// The service project's own build output (bin/&lt;configuration&gt;/&lt;framework&gt; beside Template.csproj), not the
    /// copy in the test output: coverage instruments that copy, and processes that run it and get killed race the
    /// test run over its coverage file (a generated service's run once lost most of its hits that way).
    /// </summary>
    private static readonly Lazy<string> ServiceOutput = new(() =>
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = Path.GetDirectoryName(RepositoryFiles.FindAbove("Template.csproj"))!;
        var output = Path.Combine(root, "bin", testOutput.Parent!.Name, testOutput.Name);
        return File.Exists(Path.Combine(output, "Template.dll")) ? output : AppContext.BaseDirectory;
    });

    private readonly Process process;
    private readonly List<string> output = [];

    private ServiceProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the service; pass <paramref name="port"/> when the settings must name the address beforehand.</summary>
    public static ServiceProcess Start(IDictionary<string, string?> settings, string environment = "Production", int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? Loopback.FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ServiceOutput.Value,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ServiceOutput.Value, "Template.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        foreach (var (key, value) in TestHostSettings.For(environment, settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the service.");
        var started = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => started.Record(e.Data);
        process.ErrorDataReceived += (_, e) => started.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>An HTTP client for the process, once its liveness endpoint answers (bounded wait).</summary>
    public async Task<HttpClient> WaitUntilLiveAsync()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"The service exited:\n{Tail()}");
                try
                {
                    using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
                    return live.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // Not listening yet, or too busy starting to answer in time.
                }
            },
            () => $"The service did not come up:\n{Tail()}",
            pause: TimeSpan.FromMilliseconds(200));
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no requeue on the way out.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container: the host shuts down and flushes.</summary>
    public async Task StopAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(bounded.Token);
    }

    /// <summary>Waits for the process to end by itself; fails the test after <paramref name="within"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var bounded = new CancellationTokenSource(within);
        await process.WaitForExitAsync(bounded.Token);
        return process.ExitCode;
    }

    public string Tail()
    {
        lock (output)
        {
            return string.Join('\n', output.TakeLast(40));
        }
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

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }
}
