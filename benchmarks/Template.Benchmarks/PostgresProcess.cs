using System.Diagnostics;
using System.Globalization;

namespace Template.Benchmarks;

/// <summary>
/// A PostgreSQL server of the benchmark's own (Debian's <c>postgresql</c> package) in a temporary folder on a free
/// loopback port, without fsync, removed on dispose. Under root it runs as the <c>postgres</c> user, as PostgreSQL
/// requires.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private readonly string binaries;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"postgres-bench-{Guid.NewGuid():N}");

    private PostgresProcess(string binaries, int port)
    {
        this.binaries = binaries;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public static async Task<PostgresProcess> StartAsync()
    {
        // Debian keeps the server's tools out of PATH.
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")))
            : null;
        var server = new PostgresProcess(
            binaries ?? throw new InvalidOperationException("PostgreSQL not found; apt-get install postgresql."),
            Measurements.FreePort());
        Directory.CreateDirectory(server.directory);
        if (RunsAsRoot)
        {
            await RunAsync("chown", "postgres:postgres", server.directory);
        }

        await server.ToolAsync("initdb", "-D", server.directory, "-U", "postgres", "-A", "trust", "--no-sync");
        await server.ToolAsync("pg_ctl", "-D", server.directory, "-l", Path.Combine(server.directory, "log"), "-w",
            "-o", $"-p {server.Port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k {server.directory} -F",
            "start");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await ToolAsync("pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop");
        Directory.Delete(directory, recursive: true);
    }

    private Task ToolAsync(string tool, params string[] arguments) =>
        RunsAsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(binaries, tool), .. arguments])
            : RunAsync(Path.Combine(binaries, tool), arguments);

    private static bool RunsAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}
