using Microsoft.AspNetCore.DataProtection;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Data Protection (cookies, antiforgery tokens) under one application name; in Redis mode the key ring
/// lives in Redis, so what one instance protects every other instance can read.
/// </summary>
public static class DataProtectionSetup
{
    public static IServiceCollection AddSharedDataProtection(
        this IServiceCollection services, IHostEnvironment environment, ServiceBackends backends)
    {
        services.AddDataProtection().SetApplicationName(environment.ApplicationName);
        if (backends.UsesRedis)
        {
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<ServiceRedis>((keys, redis) =>
                    keys.XmlRepository = new Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository(
                        () => redis.Connection.GetDatabase(), redis.KeyPrefix + "data-protection-keys"));
        }

        return services;
    }
}
