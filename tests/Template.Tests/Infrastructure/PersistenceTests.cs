using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Persistence;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The checked-in migrations of both providers describe the model the code maps.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public void Each_providers_migrations_cover_every_change_to_the_model()
    {
        using var sqlite = new SqliteDesignTimeDb().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeDb().CreateDbContext([]);
        Assert.False(sqlite.Database.HasPendingModelChanges(), Advice("Sqlite"));
        Assert.False(postgres.Database.HasPendingModelChanges(), Advice("Postgres"));
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task Instances_starting_together_on_a_new_database_apply_each_migration_once()
    {
        var database = (await PostgresServer.RequireSharedAsync()).NewDatabase();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = database };

        // Each starts by migrating (Development); EF Core's migration lock makes the others wait, then find nothing to do.
        var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServiceFixture.StartAsync("Development", settings)));
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        await using var db = new PostgresServiceDb(new DbContextOptionsBuilder<PostgresServiceDb>().UseNpgsql(database).Options);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        var rows = await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM \"__EFMigrationsHistory\"").SingleAsync();
        Assert.Equal(db.Database.GetMigrations().Count(), rows);
    }

    private static string Advice(string provider) =>
        $"The model has changes no {provider} migration covers; add one (docs/persistence.md, Migrations).";
}
