using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Health;

namespace Template.Infrastructure.Persistence;

/// <summary>
/// The database: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, otherwise a SQLite file, both behind
/// <see cref="IDbContextFactory{ServiceDb}"/>. Pending migrations are applied at start-up where that is safe, and
/// the database is part of <c>/health/ready</c>.
/// </summary>
public static class PersistenceSetup
{
    public static IServiceCollection AddPersistence(
        this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        services.AddDatabase<ServiceDb, SqliteServiceDb, PostgresServiceDb>(configuration, environment);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>
    /// A context on the service's database, with one subclass per provider for their migrations: pooled factories,
    /// <see cref="IDbContextFactory{TBase}"/>, a <typeparamref name="TBase"/> per scope (a use case's unit of work),
    /// and its migrations applied at start-up where that is safe. A context other than <see cref="ServiceDb"/> keeps
    /// its own migration history in <paramref name="historyTable"/>.
    /// </summary>
    public static IServiceCollection AddDatabase<TBase, TSqlite, TPostgres>(
        this IServiceCollection services,
        IConfiguration configuration,
        IHostEnvironment environment,
        string? historyTable = null,
        Action<IServiceProvider, DbContextOptionsBuilder>? configure = null)
        where TBase : DbContext
        where TSqlite : TBase
        where TPostgres : TBase
    {
        var postgres = configuration.GetConnectionString(DatabaseOptions.PostgresConnectionStringName);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            // A few short retries ride out a failover; a longer outage answers 503 in seconds, not in half a minute.
            services.AddPooledDbContextFactory<TPostgres>((provider, db) =>
            {
                db.UseNpgsql(postgres, npgsql =>
                {
                    npgsql.EnableRetryOnFailure(3, TimeSpan.FromSeconds(2), errorCodesToAdd: null);
                    if (historyTable is not null)
                    {
                        npgsql.MigrationsHistoryTable(historyTable);
                    }
                });
                IgnorePendingModelChanges(db);
                configure?.Invoke(provider, db);
            });
            services.AddSingleton<IDbContextFactory<TBase>, ProviderDbFactory<TBase, TPostgres>>();
        }
        else
        {
            var sqlite = SqliteConnectionString(configuration, environment);
            services.AddPooledDbContextFactory<TSqlite>((provider, db) =>
            {
                db.UseSqlite(sqlite, sqlite =>
                {
                    if (historyTable is not null)
                    {
                        sqlite.MigrationsHistoryTable(historyTable);
                    }
                });
                IgnorePendingModelChanges(db);
                configure?.Invoke(provider, db);
            });
            services.AddSingleton<IDbContextFactory<TBase>, ProviderDbFactory<TBase, TSqlite>>();
        }

        // A use case's unit of work: what its handler, its store and its raised events change, one save commits.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<TBase>>().CreateDbContext());

        // Registered before the job servers, so that they start on a migrated database.
        services.AddHostedService<DatabaseMigrator<TBase>>();
        return services;
    }

    // EF Core compares the model with the last migration's snapshot before migrating, a second model built and
    // diffed at every start (0.15 s or more per context). The suite's migration tests (PersistenceTests and
    // AuthorizationServerPersistenceTests) fail on a model change without its migration instead.
    private static void IgnorePendingModelChanges(DbContextOptionsBuilder db) =>
        db.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary><c>ConnectionStrings:Sqlite</c>, else <c>App_Data/service.db</c> under the content root.</summary>
    private static string SqliteConnectionString(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration.GetConnectionString(DatabaseOptions.SqliteConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var folder = Path.Combine(environment.ContentRootPath, "App_Data");
        Directory.CreateDirectory(folder);
        return $"Data Source={Path.Combine(folder, "service.db")}";
    }

    private sealed class ProviderDbFactory<TBase, TProvider>(IDbContextFactory<TProvider> provider)
        : IDbContextFactory<TBase>
        where TBase : DbContext
        where TProvider : TBase
    {
        public TBase CreateDbContext() => provider.CreateDbContext();

        public async Task<TBase> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await provider.CreateDbContextAsync(cancellationToken);
    }
}

/// <summary>
/// Applies pending migrations before the service serves: always in Development and on the SQLite file, with
/// PostgreSQL elsewhere only when <c>Database:MigrateOnStartup</c> is true. EF Core holds a database lock while it
/// migrates, so instances starting together apply each migration once.
/// </summary>
internal sealed class DatabaseMigrator<TBase>(
    IDbContextFactory<TBase> databases, IHostEnvironment environment, IOptions<DatabaseOptions> options)
    : IHostedService
    where TBase : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsNpgsql() && !environment.IsDevelopment() && !options.Value.MigrateOnStartup)
        {
            return;
        }

        // Asking first is cheaper than migrating: MigrateAsync takes a lock and builds the whole model even when
        // there is nothing to apply, which is every start but the first after an upgrade.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (db.Database.IsSqlite())
        {
            // Readers no longer wait for a writer; kept in the file once set.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck(IDbContextFactory<ServiceDb> databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
    }
}
