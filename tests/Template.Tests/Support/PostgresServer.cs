using System.Globalization;
using Npgsql;

namespace Template.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server (Debian's <c>postgresql</c> package: <c>initdb</c> and <c>pg_ctl</c>) in a temporary
/// folder on a free loopback port. PostgreSQL refuses to run as root, so under root it runs as the <c>postgres</c>
/// system user the package creates. Each host gets a database of its own on it (<see cref="NewDatabase"/>), which the
/// service's migrations create. <see cref="Shared"/> is the one the Redis-mode suites use.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ExternalVariable = "TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer?>> SharedServer = new(StartOrSkipAsync);
    private readonly string binaries;
    private readonly string directory;
    private readonly string? external;

    private PostgresServer(string binaries, int port, string? external)
    {
        this.binaries = binaries;
        this.external = external;
        Port = port;
        directory = Path.Combine(Path.GetTempPath(), $"postgres-test-{Guid.NewGuid():N}");
    }

    public int Port { get; }

    public static string? UnavailableReason { get; private set; }

    public static Task<PostgresServer?> Shared => SharedServer.Value;

    /// <summary>Skips the current test (fails it under CI=true) when PostgreSQL is unavailable.</summary>
    public static async Task<PostgresServer> RequireSharedAsync()
    {
        var server = await Shared;
        Prerequisites.SkipOrFailWhen(server is null, "PostgreSQL", UnavailableReason ?? MissingMessage);
        return server!;
    }

    /// <summary>A server of the test's own, for tests that stop and start PostgreSQL.</summary>
    public static async Task<PostgresServer> StartOwnAsync()
    {
        var found = FindBinaries();
        Prerequisites.SkipOrFailWhen(found is null, "PostgreSQL", MissingMessage);
        var server = new PostgresServer(found!, Loopback.FreePort(), null);
        await server.InitializeAsync();
        await server.StartAsync();
        return server;
    }

    /// <summary>The connection string of a database no one else uses; the service's migrations create it.</summary>
    public string NewDatabase(string? name = null)
    {
        var database = "t_" + (name ?? Guid.NewGuid().ToString("N")).Replace('-', '_').ToLowerInvariant();
        return external is not null
            ? new NpgsqlConnectionStringBuilder(external) { Database = database }.ConnectionString
            : $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true";
    }

    public async Task StartAsync()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        // Loopback only, its socket in its own folder, no fsync: a test server, not a durable one. The suite starts
        // hundreds of hosts, each with a database and a connection pool of its own, and the idle connections of a
        // stopped host stay open until Npgsql prunes them; 100 connections, the default, ran out.
        await RunAsync("pg_ctl", "-D", directory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -h 127.0.0.1 -k {directory} -F -N 500", "start");
    }

    /// <summary>Stops the server the way an outage does: the process is gone and the port refuses connections.</summary>
    public Task StopAsync() => RunAsync("pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        if (external is not null)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private void StopAndRemoveAfterThisProcess()
    {
        var stop = $"{Path.Combine(binaries, "pg_ctl")} -D '{directory}' -m immediate -w stop";
        AfterThisProcess.Run($"{(RunsAsRoot ? $"runuser -u postgres -- {stop}" : stop)}; rm -rf '{directory}'");
    }

    private async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        if (RunsAsRoot)
        {
            await Exec("chown", "postgres:postgres", directory);
        }

        await RunAsync("initdb", "-D", directory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
    }

    private Task RunAsync(string tool, params string[] arguments) =>
        RunsAsRoot
            ? Exec("runuser", ["-u", "postgres", "--", Path.Combine(binaries, tool), .. arguments])
            : Exec(Path.Combine(binaries, tool), arguments);

    private static async Task Exec(string file, params string[] arguments)
    {
        var (exit, output) = await ToolProcess.RunAsync(file, arguments, TimeSpan.FromSeconds(90));
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {exit}: {output}");
        }
    }

    private static bool RunsAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    private static async Task<PostgresServer?> StartOrSkipAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer("", 0, external);
        }

        var found = FindBinaries();
        if (found is null)
        {
            UnavailableReason = MissingMessage;
            return null;
        }

        var server = new PostgresServer(found, Loopback.FreePort(), null);
        await server.InitializeAsync();
        await server.StartAsync();
        server.StopAndRemoveAfterThisProcess();
        return server;
    }

    private const string MissingMessage =
        "PostgreSQL test skipped: initdb and pg_ctl were not found. Install them (Debian/Ubuntu: apt-get install "
        + "postgresql) or set TEST_POSTGRES to a PostgreSQL connection string.";

    // Debian keeps the server's tools out of PATH, under /usr/lib/postgresql/<version>/bin.
    private static string? FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin"))
                : []);
        return candidates.FirstOrDefault(d =>
            File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}
