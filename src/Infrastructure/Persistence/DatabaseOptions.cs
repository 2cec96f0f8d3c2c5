namespace Template.Infrastructure.Persistence;

/// <summary>Settings of the database (<c>Database</c> section); which database it is, the connection strings
/// say.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>ConnectionStrings:Postgres</c>: set, the data is in PostgreSQL; empty, in a SQLite file.</summary>
    public const string PostgresConnectionStringName = "Postgres";

    /// <summary><c>ConnectionStrings:Sqlite</c>: where the SQLite file is; empty, <c>App_Data/service.db</c> under
    /// the content root.</summary>
    public const string SqliteConnectionStringName = "Sqlite";

    /// <summary>
    /// Whether the service applies pending migrations when it starts. They always run in Development and on the
    /// embedded SQLite file; with PostgreSQL in other environments only when this is true, so that a deployment
    /// pipeline can apply them first (docs/persistence.md).
    /// </summary>
    public bool MigrateOnStartup { get; set; }
}
