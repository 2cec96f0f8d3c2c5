using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Template.Infrastructure.Persistence;

/// <summary>
/// The service's database. Each area maps its own entities with an <see cref="IEntityTypeConfiguration{TEntity}"/>
/// beside its use cases; they are found in this assembly, so deleting an area deletes its tables from the model.
/// One subclass per provider keeps that provider's migrations apart (<c>Migrations/Sqlite</c>,
/// <c>Migrations/Postgres</c>).
/// </summary>
public abstract class ServiceDb(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ServiceDb).Assembly);
}

/// <summary>The embedded default: a SQLite file, no server.</summary>
public sealed class SqliteServiceDb(DbContextOptions<SqliteServiceDb> options) : ServiceDb(options)
{
    // SQLite can neither compare nor sort DateTimeOffset values; stored as UTC ticks, it can do both, exactly.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
}

internal sealed class UtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

/// <summary>PostgreSQL, when <c>ConnectionStrings:Postgres</c> is set.</summary>
public sealed class PostgresServiceDb(DbContextOptions<PostgresServiceDb> options) : ServiceDb(options);
