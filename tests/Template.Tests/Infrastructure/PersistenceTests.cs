using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Persistence;

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

    private static string Advice(string provider) =>
        $"The model has changes no {provider} migration covers; add one (docs/persistence.md, Migrations).";
}
