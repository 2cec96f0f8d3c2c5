using Microsoft.EntityFrameworkCore;
using Template.Infrastructure.Security.AuthorizationServer;

namespace Template.Tests.Infrastructure;

/// <summary>The embedded server's migrations, for both providers, describe OpenIddict's entities.</summary>
public sealed class AuthorizationServerPersistenceTests
{
    [Fact]
    public void Each_providers_migrations_cover_every_change_to_the_authorization_server_model()
    {
        using var sqlite = new SqliteAuthorizationServerDesignTimeDb().CreateDbContext([]);
        using var postgres = new PostgresAuthorizationServerDesignTimeDb().CreateDbContext([]);
        Assert.False(sqlite.Database.HasPendingModelChanges(), Advice("Sqlite"));
        Assert.False(postgres.Database.HasPendingModelChanges(), Advice("Postgres"));
    }

    private static string Advice(string provider) =>
        $"The model has changes no {provider} migration covers; add one (docs/persistence.md, Migrations).";
}
