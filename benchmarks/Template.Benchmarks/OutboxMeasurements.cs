using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Template.Infrastructure;
using Template.Infrastructure.Events;
using Template.Infrastructure.Persistence;

namespace Template.Benchmarks;

/// <summary>An event of the benchmark's own; its one listener only says it ran.</summary>
public sealed record BenchOrderPlaced(long Sequence) : IEvent;

public sealed class BenchListener : IListener<BenchOrderPlaced>
{
    public ValueTask HandleAsync(BenchOrderPlaced raised, CancellationToken cancellationToken)
    {
        JobCompletions.Complete(raised.Sequence);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Item 7 for one backend pair.</summary>
public sealed record OutboxResult(
    string Mode, int Events, double EventsPerSecond, double StatementsPerEvent, double P50Ms, double P99Ms);

/// <summary>
/// Item 7 end to end: events raised and committed through the service's own <see cref="IEvents"/> and
/// <see cref="ServiceDb"/>, handed over by its dispatcher, run by its job workers, in this process.
/// </summary>
public static class OutboxMeasurements
{
    private const int ThroughputEvents = 2000;
    private const int LatencySamples = 200;
    private static long sequence = 1_000_000_000;

    public static async Task<OutboxResult> RunAsync(PostgresProcess? postgres, RedisProcess? redis)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Staging", ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration["AuthorizationServer:Issuer"] = "http://127.0.0.1/";
        var sqlite = Path.Combine(Path.GetTempPath(), $"bench-outbox-{Guid.NewGuid():N}.db");
        builder.Configuration["ConnectionStrings:Sqlite"] = $"Data Source={sqlite}";
        builder.Configuration["ConnectionStrings:Postgres"] = postgres?.ConnectionString("outbox") ?? "";
        builder.Configuration["Database:MigrateOnStartup"] = "true";
        builder.Configuration["ConnectionStrings:Redis"] = redis?.ConnectionString ?? "";
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Measurements.FreePort()));
        builder.AddServiceInfrastructure(typeof(OutboxMeasurements).Assembly);
        builder.Services.AddBenchMediator();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        await app.StartAsync();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => RaiseAndWaitAsync(app.Services)));

            // Commit to listener when idle: one event at a time.
            var latencies = new List<double>(LatencySamples);
            for (var i = 0; i < LatencySamples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await RaiseAndWaitAsync(app.Services);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            // Throughput: raised by four callers at once, counted until the last listener has run. Every SQL
            // statement any part of the service sent meanwhile is counted.
            using var statements = new StatementCounter();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var pending = new List<Task>(ThroughputEvents / 4);
                for (var i = 0; i < ThroughputEvents / 4; i++)
                {
                    pending.Add(await RaiseAsync(app.Services));
                }

                await Task.WhenAll(pending);
            }))).WaitAsync(TimeSpan.FromMinutes(5));
            var elapsed = clock.Elapsed;
            var perEvent = statements.Count / (double)ThroughputEvents;

            latencies.Sort();
            var mode = postgres is null ? "SQLite, jobs in memory" : "PostgreSQL, jobs on Redis";
            return new OutboxResult(mode, ThroughputEvents, ThroughputEvents / elapsed.TotalSeconds, perEvent,
                latencies[LatencySamples / 2], latencies[(int)Math.Ceiling(0.99 * LatencySamples) - 1]);
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(sqlite) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static async Task RaiseAndWaitAsync(IServiceProvider services) =>
        await (await RaiseAsync(services)).WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Raises one event in a scope of its own and commits it, as a use case does; returns when its
    /// listener has run.</summary>
    private static async Task<Task> RaiseAsync(IServiceProvider services)
    {
        var number = Interlocked.Increment(ref sequence);
        var done = JobCompletions.WhenDone(number);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IEvents>().Raise(new BenchOrderPlaced(number));
        await scope.ServiceProvider.GetRequiredService<ServiceDb>().SaveChangesAsync();
        return done;
    }

    /// <summary>Counts the SQL statements EF Core executes in this process, through its diagnostic events.</summary>
    private sealed class StatementCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>,
        IDisposable
    {
        private readonly IDisposable all;
        private readonly List<IDisposable> subscriptions = [];
        private long count;

        public StatementCounter() => all = DiagnosticListener.AllListeners.Subscribe(this);

        public long Count => Interlocked.Read(ref count);

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (subscriptions)
                {
                    subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name)
            {
                Interlocked.Increment(ref count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            all.Dispose();
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
