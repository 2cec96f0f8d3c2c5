using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Persistence;

namespace Template.Tests.Support;

/// <summary>
/// SQLite files for test hosts: one per host unless hosts share a name, in a folder of this test run that is removed
/// when the run ends.
/// </summary>
public static class TestDatabases
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("slice-api-db-").FullName;
        AfterThisProcess.Run($"rm -rf '{folder}'");
        return folder;
    });

    /// <summary>The connection string of the SQLite file <paramref name="name"/>, or of a new one.</summary>
    public static string Sqlite(string? name = null) =>
        $"Data Source={Path.Combine(Folder.Value, (name ?? Guid.NewGuid().ToString("N")) + ".db")}";

    /// <summary>
    /// The database a host given <paramref name="settings"/> works on (PostgreSQL when they name one, else SQLite),
    /// migrated, for a test that writes to it outside any host.
    /// </summary>
    public static async Task<IDbContextFactory<ServiceDb>> MigratedAsync(IDictionary<string, string?> settings)
    {
        Func<ServiceDb> create = settings.TryGetValue("ConnectionStrings:Postgres", out var postgres)
            && !string.IsNullOrEmpty(postgres)
            ? () => new PostgresServiceDb(
                new DbContextOptionsBuilder<PostgresServiceDb>().UseNpgsql(postgres).Options)
            : () => new SqliteServiceDb(
                new DbContextOptionsBuilder<SqliteServiceDb>().UseSqlite(settings["ConnectionStrings:Sqlite"]).Options);
        await using (var db = create())
        {
            await db.Database.MigrateAsync();
        }

        return new Factory(create);
    }

    private sealed class Factory(Func<ServiceDb> create) : IDbContextFactory<ServiceDb>
    {
        public ServiceDb CreateDbContext() => create();
    }
}
