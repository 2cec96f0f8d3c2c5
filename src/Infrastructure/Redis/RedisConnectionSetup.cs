using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Template.Infrastructure.Redis;

/// <summary>The one <see cref="IConnectionMultiplexer"/> every Redis-backed part of the service shares.</summary>
public static class RedisConnectionSetup
{
    public static IServiceCollection AddRedisConnection(
        this IServiceCollection services, IConfiguration configuration, ServiceBackends backends)
    {
        services.TryAddSingleton(backends);
        services.AddSettings<RedisOptions, RedisValidator>(RedisOptions.Section);
        if (!backends.UsesRedis)
        {
            return services;
        }

        services.AddSingleton<IValidateOptions<RedisOptions>>(new RedisConnectionStringValidator(
            backends.RedisConnectionString!));
        services.TryAddSingleton<IConnectionMultiplexer>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<RedisOptions>>().Value;
            KeepThreadsReady(options.MinWorkerThreads);
            return ConnectionMultiplexer.Connect(CreateConfiguration(
                backends.RedisConnectionString!, options,
                provider.GetRequiredService<IHostEnvironment>().ApplicationName));
        });
        services.TryAddSingleton(provider => new ServiceRedis(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        return services;
    }

    /// <summary>
    /// Settings for a service rather than a script: start even when Redis is down and keep reconnecting,
    /// and fail a command at once while disconnected instead of queueing it for seconds.
    /// </summary>
    public static ConfigurationOptions CreateConfiguration(
        string connectionString, RedisOptions options, string clientName)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy =
            new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
        configuration.ClientName ??= clientName;
        return configuration;
    }

    // Raises the pool's minimum only: a host that set a higher one keeps it.
    private static void KeepThreadsReady(int workers)
    {
        ThreadPool.GetMinThreads(out var current, out var completionPorts);
        if (workers > current)
        {
            ThreadPool.SetMinThreads(workers, completionPorts);
        }
    }

    private sealed class RedisConnectionStringValidator(string connectionString) : IValidateOptions<RedisOptions>
    {
        public ValidateOptionsResult Validate(string? name, RedisOptions options)
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(connectionString);
                return parsed.EndPoints.Count > 0
                    ? ValidateOptionsResult.Success
                    : ValidateOptionsResult.Fail(
                        "ConnectionStrings:Redis names no endpoint; expected e.g. 'localhost:6379'.");
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(
                    $"ConnectionStrings:Redis is not a valid StackExchange.Redis configuration: {e.Message}");
            }
        }
    }
}

/// <summary>The shared connection and the service's key prefix: the database every Redis store of the service
/// uses.</summary>
public sealed class ServiceRedis(IConnectionMultiplexer connection, string keyPrefix)
{
    public IConnectionMultiplexer Connection { get; } = connection;

    public string KeyPrefix { get; } = keyPrefix;

    /// <summary>A database view whose keys all start with <see cref="KeyPrefix"/> plus <paramref
    /// name="area"/>.</summary>
    public IDatabase Database(string area = "") => Connection.GetDatabase().WithKeyPrefix(KeyPrefix + area);
}
