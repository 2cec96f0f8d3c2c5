using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.RateLimiting;

/// <summary>Wires the rate limits: counters in this process, or in Redis when the service runs on Redis.</summary>
public static class RateLimitingSetup
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration, ServiceBackends backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        services.AddOptions<RateLimitingOptions>()
            .Bind(configuration.GetSection(RateLimitingOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();
        if (backends.UsesRedis)
        {
            services.AddSingleton<IRateLimitCounters, RedisRateLimitCounters>();
        }
        else
        {
            services.AddSingleton<IRateLimitCounters>(provider => new InMemoryRateLimitCounters(provider.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled
            ? app.UseMiddleware<RateLimitMiddleware>()
            : app;
    }

    /// <summary>
    /// Fails start-up when an endpoint asks for a policy that is not configured, instead of failing its requests.
    /// </summary>
    public static void CheckEndpointPolicies(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ServiceProvider.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var missing = app.DataSources.SelectMany(source => source.Endpoints)
            .Select(endpoint => (endpoint.DisplayName, Policy: endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName))
            .Where(e => e.Policy is not null && !options.Policies.ContainsKey(e.Policy))
            .Select(e => $"'{e.DisplayName}' asks for '{e.Policy}'")
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Rate-limit policies missing from RateLimiting:Policies: {string.Join("; ", missing)}.");
        }
    }
}
