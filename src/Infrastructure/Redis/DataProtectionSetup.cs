using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Data Protection (cookies, antiforgery tokens) under one application name; in Redis mode the key ring
/// lives in Redis, so what one instance protects every other instance can read.
/// </summary>
public static class DataProtectionSetup
{
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, ServiceBackends backends)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(backends);
        services.AddDataProtection().SetApplicationName(environment.ApplicationName);
        if (backends.UsesRedis)
        {
            var prefix = (configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions()).KeyPrefix;
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<IConnectionMultiplexer>((keys, redis) =>
                    keys.XmlRepository = new Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository(
                        () => redis.GetDatabase(), prefix + "data-protection-keys"));
        }

        return services;
    }
}
