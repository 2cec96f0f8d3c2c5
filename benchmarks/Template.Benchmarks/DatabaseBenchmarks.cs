using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Template.Infrastructure.Events;
using Template.Infrastructure.Persistence;

namespace Template.Benchmarks;

/// <summary>
/// The benchmark's orders beside the service's own tables (the outbox): the model the service maps, plus a table
/// shaped like the sample's orders (lines as JSON), so the suite stands without the sample area.
/// </summary>
public sealed class BenchDb(DbContextOptions<BenchDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ServiceDb).Assembly);
        modelBuilder.Entity<BenchOrder>(order =>
        {
            order.ToTable("bench_orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Lines).HasConversion(
                lines => JsonSerializer.Serialize(lines, JsonSerializerOptions.Web),
                json => JsonSerializer.Deserialize<List<BenchOrderLine>>(json, JsonSerializerOptions.Web)!,
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<IReadOnlyList<BenchOrderLine>>(
                    (a, b) => a!.SequenceEqual(b!), l => l.Count, l => l.ToList()));
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // As SqliteServiceDb stores them: SQLite cannot compare DateTimeOffset.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<long>();
        }
    }
}

/// <summary>
/// Item 3's uncached reads and item 7's outbox cost in the request, in process through EF Core 10 with pooled
/// contexts, as the service uses them: on a SQLite file (WAL, as the service sets it) and on a PostgreSQL server of
/// the benchmark's own. An order read by id without tracking, as the store's FindAsync reads one; an order saved
/// alone; the same with the outbox row an event with one listener adds.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1515, CA1001 // BenchmarkDotNet needs a public, unsealed class; the server is stopped in Cleanup.
public class DatabaseBenchmarks
#pragma warning restore CA1515, CA1001
{
    private PostgresProcess? postgres;
    private string? sqliteFile;
    private PooledDbContextFactory<BenchDb> databases = null!;

    [Params("SQLite", "PostgreSQL")]
    public string Provider { get; set; } = "SQLite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new DbContextOptionsBuilder<BenchDb>();
        if (Provider == "SQLite")
        {
            sqliteFile = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.db");
            options.UseSqlite($"Data Source={sqliteFile}");
        }
        else
        {
            postgres = await PostgresProcess.StartAsync();
            options.UseNpgsql(postgres.ConnectionString("bench"));
        }

        databases = new PooledDbContextFactory<BenchDb>(options.Options);
        await using var db = await databases.CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
        if (Provider == "SQLite")
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        db.Add(BenchOrders.Sample);
        await db.SaveChangesAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        if (sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(sqliteFile) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Benchmark]
    public async Task<BenchOrder?> UncachedRead()
    {
        var id = BenchOrders.Sample.Id;
        await using var db = await databases.CreateDbContextAsync();
        return await db.Set<BenchOrder>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> SaveOrder()
    {
        await using var db = await databases.CreateDbContextAsync();
        db.Add(NewOrder());
        return await db.SaveChangesAsync();
    }

    [Benchmark]
    public async Task<int> SaveOrderWithOutboxRow()
    {
        await using var db = await databases.CreateDbContextAsync();
        var order = NewOrder();
        db.Add(order);
        var now = DatabaseTime.Stamp(DateTimeOffset.UtcNow);
        db.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Listener = "Template.Benchmarks.BenchListener:BenchOrderPlaced",
            Payload = JsonSerializer.Serialize(new { OrderId = order.Id }, JsonSerializerOptions.Web),
            CreatedAt = now,
            DueAt = now,
        });
        return await db.SaveChangesAsync();
    }

    private static BenchOrder NewOrder() => BenchOrders.Sample with { Id = Guid.CreateVersion7() };
}
