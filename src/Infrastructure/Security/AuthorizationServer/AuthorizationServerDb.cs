using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// The embedded server's clients, authorizations, scopes and tokens: OpenIddict's own EF Core entities and stores,
/// in the service's database. A context of its own, with its own migrations (<c>Migrations/Sqlite</c>,
/// <c>Migrations/Postgres</c> in this folder) and history table, so a service without the embedded server has none
/// of its tables. OpenIddict's entities carry a concurrency token: of two requests redeeming one code or refresh
/// token at once, one wins.
/// </summary>
public abstract class AuthorizationServerDb(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__OAuthMigrationsHistory";

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.UseOpenIddict();
}

public sealed class SqliteAuthorizationServerDb(DbContextOptions<SqliteAuthorizationServerDb> options)
    : AuthorizationServerDb(options);

public sealed class PostgresAuthorizationServerDb(DbContextOptions<PostgresAuthorizationServerDb> options)
    : AuthorizationServerDb(options);

// dotnet ef builds each provider's context here, without starting the service; no connection is opened.
internal sealed class SqliteAuthorizationServerDesignTimeDb
    : IDesignTimeDbContextFactory<SqliteAuthorizationServerDb>
{
    public SqliteAuthorizationServerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAuthorizationServerDb>()
            .UseSqlite(
                "Data Source=design.db", sqlite => sqlite.MigrationsHistoryTable(AuthorizationServerDb.HistoryTable))
            .Options);
}

internal sealed class PostgresAuthorizationServerDesignTimeDb
    : IDesignTimeDbContextFactory<PostgresAuthorizationServerDb>
{
    public PostgresAuthorizationServerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAuthorizationServerDb>()
            .UseNpgsql("Host=localhost", npgsql => npgsql.MigrationsHistoryTable(AuthorizationServerDb.HistoryTable))
            .Options);
}
