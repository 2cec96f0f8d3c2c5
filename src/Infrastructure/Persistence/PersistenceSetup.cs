using Microsoft.EntityFrameworkCore;
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
        var postgres = configuration.GetConnectionString(DatabaseOptions.PostgresConnectionStringName);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            // A few short retries ride out a failover; a longer outage answers 503 in seconds, not in half a minute.
            services.AddPooledDbContextFactory<PostgresServiceDb>(db => db.UseNpgsql(postgres, npgsql =>
                npgsql.EnableRetryOnFailure(3, TimeSpan.FromSeconds(2), errorCodesToAdd: null)));
            services.AddSingleton<IDbContextFactory<ServiceDb>, ProviderDbFactory<PostgresServiceDb>>();
        }
        else
        {
            var sqlite = SqliteConnectionString(configuration, environment);
            services.AddPooledDbContextFactory<SqliteServiceDb>(db => db.UseSqlite(sqlite));
            services.AddSingleton<IDbContextFactory<ServiceDb>, ProviderDbFactory<SqliteServiceDb>>();
        }

        // A use case's unit of work: what its handler, its store and its raised events change, one save commits.
        services.AddScoped(provider =>
            provider.GetRequiredService<IDbContextFactory<ServiceDb>>().CreateDbContext());

        // Registered before the job servers, so that they start on a migrated database.
        services.AddHostedService<DatabaseMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

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

    private sealed class ProviderDbFactory<TProvider>(IDbContextFactory<TProvider> provider)
        : IDbContextFactory<ServiceDb>
        where TProvider : ServiceDb
    {
        public ServiceDb CreateDbContext() => provider.CreateDbContext();

        public async Task<ServiceDb> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await provider.CreateDbContextAsync(cancellationToken);
    }
}

/// <summary>
/// Applies pending migrations before the service serves: always in Development and on the SQLite file, with
/// PostgreSQL elsewhere only when <c>Database:MigrateOnStartup</c> is true. EF Core holds a database lock while it
/// migrates, so instances starting together apply each migration once.
/// </summary>
internal sealed class DatabaseMigrator(
    IDbContextFactory<ServiceDb> databases, IHostEnvironment environment, IOptions<DatabaseOptions> options)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (db is PostgresServiceDb && !environment.IsDevelopment() && !options.Value.MigrateOnStartup)
        {
            return;
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db is SqliteServiceDb)
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
