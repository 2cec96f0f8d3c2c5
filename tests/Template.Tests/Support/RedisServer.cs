using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Template.Tests.Support;

/// <summary>
/// A throwaway <c>redis-server</c> process on a free loopback port, with its own data directory
/// (append-only file on, so a restart keeps the data as production Redis would). It can be stopped and
/// started again on the same port. <see cref="Shared"/> is the one most Redis-mode tests use.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string ExternalVariable = "TEST_REDIS";
    public const string ExecutableVariable = "REDIS_SERVER";

    private static readonly Lazy<Task<RedisServer?>> SharedServer = new(() => StartOrSkipAsync());
    private readonly string executable;
    private readonly string directory;
    private readonly IReadOnlyList<string> extraArguments;
    private readonly string? sentinelConfiguration;
    private Process? process;

    private RedisServer(
        string executable, int port, string? connectionString,
        IReadOnlyList<string>? extraArguments = null, string? sentinelConfiguration = null)
    {
        this.executable = executable;
        this.extraArguments = extraArguments ?? [];
        this.sentinelConfiguration = sentinelConfiguration;
        Port = port;
        directory = Path.Combine(Path.GetTempPath(), $"redis-test-{Guid.NewGuid():N}");
        ConnectionString = connectionString ?? $"127.0.0.1:{port}";
    }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>Why Redis-mode tests are skipped on this machine, or null when Redis is available.</summary>
    public static string? UnavailableReason { get; private set; }

    public static Task<RedisServer?> Shared => SharedServer.Value;

    /// <summary><c>redis-cli</c>, installed beside <c>redis-server</c>.</summary>
    public static string Cli => Path.Combine(
        Path.GetDirectoryName(FindExecutable() ?? "/usr/bin/redis-server")!,
        OperatingSystem.IsWindows() ? "redis-cli.exe" : "redis-cli");

    /// <summary>A server of the test's own, for tests that stop and restart Redis; skips the test when there is none.</summary>
    public static Task<RedisServer> StartOwnAsync() => StartOwnAsync([]);

    /// <summary>A server of the test's own started with extra <c>redis-server</c> arguments (a cluster node, a
    /// replica).</summary>
    public static Task<RedisServer> StartOwnAsync(IReadOnlyList<string> extraArguments) =>
        StartNewAsync(extraArguments, sentinelConfiguration: null);

    /// <summary>A replica of <paramref name="primary"/>, with extra <c>redis-server</c> arguments.</summary>
    public static Task<RedisServer> StartReplicaAsync(RedisServer primary, params string[] extraArguments) =>
        StartOwnAsync(
            [.. extraArguments, "--replicaof", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>A Sentinel process (<c>redis-server --sentinel</c>) whose configuration file holds
    /// <paramref name="configuration"/> after its port and directory.</summary>
    public static Task<RedisServer> StartSentinelAsync(string configuration) => StartNewAsync([], configuration);

    private static async Task<RedisServer> StartNewAsync(
        IReadOnlyList<string> extraArguments, string? sentinelConfiguration)
    {
        var found = FindExecutable();
        SkipOrFailWhen(found is null, MissingMessage);
        var server = new RedisServer(found!, Loopback.FreePort(), null, extraArguments, sentinelConfiguration);
        await server.StartAsync();
        return server;
    }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Skips the current test (fails it under CI=true) when Redis is unavailable.</summary>
    public static async Task<RedisServer> RequireSharedAsync()
    {
        var server = await Shared;
        SkipOrFailWhen(server is null, UnavailableReason ?? MissingMessage);
        return server!;
    }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (sentinelConfiguration is not null)
        {
            // Sentinel rewrites its configuration file as the topology changes, so it is written once only.
            var file = Path.Combine(directory, "sentinel.conf");
            if (!File.Exists(file))
            {
                await File.WriteAllTextAsync(
                    file, $"port {port}\nbind 127.0.0.1\ndir {directory}\n{sentinelConfiguration}\n");
            }

            start.ArgumentList.Add(file);
            start.ArgumentList.Add("--sentinel");
        }
        else
        {
            foreach (var argument in new[]
            {
                "--port", port, "--bind", "127.0.0.1",
                "--dir", directory, "--appendonly", "yes", "--save", "", "--daemonize", "no",
            }.Concat(extraArguments))
            {
                start.ArgumentList.Add(argument);
            }
        }

        process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await PingAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server the way an outage does: the process is gone and the port refuses connections.</summary>
    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        await SendAsync("SHUTDOWN\r\n");
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
        }

        process.Dispose();
        process = null;
    }

    /// <summary>Kills the process with SIGKILL, the way a crashed machine leaves it: no shutdown, no last save.</summary>
    public void Kill()
    {
        if (process is null)
        {
            return;
        }

        process.Kill();
        process.WaitForExit(10_000);
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private void StopAndRemoveAfterThisProcess() =>
        AfterThisProcess.Run($"kill {process!.Id}; sleep 1; rm -rf '{directory}'");

    public async Task<bool> PingAsync() => (await SendAsync("PING\r\n"))?.StartsWith("+PONG", StringComparison.Ordinal) == true;

    private async Task<string?> SendAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command));
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return null;
        }
    }

    private static async Task<RedisServer?> StartOrSkipAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new RedisServer("", 0, external);
        }

        var found = FindExecutable();
        if (found is null)
        {
            UnavailableReason = MissingMessage;
            return null;
        }

        var server = new RedisServer(found, Loopback.FreePort(), null);
        await server.StartAsync();
        server.StopAndRemoveAfterThisProcess();
        return server;
    }

    /// <summary>Skips the test, or fails it under CI=true, where a missing Redis must not pass unnoticed.</summary>
    public static void SkipOrFailWhen(bool unavailable, string reason) => Prerequisites.SkipOrFailWhen(unavailable, "Redis", reason);

    private const string MissingMessage =
        "Redis-mode test skipped: redis-server was not found. Install it (Debian/Ubuntu: apt-get install redis-server; " +
        "macOS: brew install redis), set REDIS_SERVER to its path, or set TEST_REDIS to a Redis connection string.";

    private static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/usr/sbin"]);
        return directories
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server"))
            .FirstOrDefault(File.Exists);
    }
}
