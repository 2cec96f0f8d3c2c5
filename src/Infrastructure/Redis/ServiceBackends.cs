namespace Template.Infrastructure.Redis;

/// <summary>
/// Which backends this instance runs on. Decided once from configuration: a Redis connection string
/// switches every backend (jobs, cache, locks, counters, data-protection keys) to Redis. The data is in the
/// database either way (Persistence).
/// </summary>
public sealed record ServiceBackends(string? RedisConnectionString)
{
    public bool UsesRedis => !string.IsNullOrWhiteSpace(RedisConnectionString);

    public static ServiceBackends From(IConfiguration configuration) =>
        new(configuration.GetConnectionString(RedisOptions.ConnectionStringName));
}
