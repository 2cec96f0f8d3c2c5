using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Template.Infrastructure.Persistence;

// dotnet ef builds each provider's context here, without starting the service; no connection is opened.
internal sealed class SqliteDesignTimeDb : IDesignTimeDbContextFactory<SqliteServiceDb>
{
    public SqliteServiceDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteServiceDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeDb : IDesignTimeDbContextFactory<PostgresServiceDb>
{
    public PostgresServiceDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresServiceDb>().UseNpgsql("Host=localhost").Options);
}
