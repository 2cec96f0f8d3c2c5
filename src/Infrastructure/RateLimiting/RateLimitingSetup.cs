using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter with the policies of <see cref="RateLimitingOptions"/>: counted in this process, or
/// in Redis (RedisRateLimiting) when the service runs on Redis, so that every instance counts against one limit.
/// </summary>
public static class RateLimitingSetup
{
    public static IServiceCollection AddRateLimits(
        this IServiceCollection services, IConfiguration configuration, ServiceBackends backends)
    {
        services.AddOptions<RateLimitingOptions>()
            .Bind(configuration.GetSection(RateLimitingOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>, IServiceProvider>(
            (limiter, options, provider) =>
            {
                Func<string, RateLimitPolicyOptions, RateLimiter> create = backends.UsesRedis
                    ? SharedLimiters(
                        provider.GetRequiredService<ServiceRedis>(),
                        provider.GetRequiredService<ILogger<SharedRateLimiter>>())
                    : (_, policy) => LocalLimiter(policy);
                Configure(limiter, options.Value, create);
            });
        return services;
    }

    /// <summary>
    /// Before the limiter, a caller that sent a credential (<paramref name="carriesCredential"/>) is identified, so
    /// that it is counted by subject; the rest are counted by address without running an authentication handler.
    /// This runs before <c>UseAuthentication</c> so that endpoints answered inside it (the token endpoint) are limited
    /// before they check a secret; the authentication handlers keep their result for the rest of the request.
    /// </summary>
    public static IApplicationBuilder UseRateLimits(
        this IApplicationBuilder app, Func<HttpRequest, bool> carriesCredential)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var hasGlobal = !string.IsNullOrEmpty(options.GlobalPolicy);
        app.Use(async (context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata;
            if (metadata?.GetMetadata<DisableRateLimitingAttribute>() is null
                && (hasGlobal || metadata?.GetMetadata<EnableRateLimitingAttribute>() is not null)
                && carriesCredential(context.Request)
                && await context.AuthenticateAsync() is { Succeeded: true } result)
            {
                context.User = result.Principal;
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    /// <summary>
    /// Fails start-up when an endpoint asks for a policy that is not configured, instead of failing its requests.
    /// </summary>
    public static void CheckEndpointPolicies(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var missing = app.DataSources.SelectMany(source => source.Endpoints)
            .Select(e => (e.DisplayName, Policy: e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName))
            .Where(e => e.Policy is not null && !options.Policies.ContainsKey(e.Policy))
            .Select(e => $"'{e.DisplayName}' asks for '{e.Policy}'")
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Rate-limit policies missing from RateLimiting:Policies: {string.Join("; ", missing)}.");
        }
    }

    /// <summary>
    /// Who is counted: the authenticated subject, else the client address (after the trusted-proxy rules of
    /// forwarded headers). IPv6 addresses count by their /64, which one client usually holds whole.
    /// </summary>
    public static string CallerPartition(HttpContext context)
    {
        var subject = context.User.FindFirst("sub") ?? context.User.FindFirst(ClaimTypes.NameIdentifier);
        return subject is not null && context.User.Identity?.IsAuthenticated == true
            ? "sub:" + subject.Value
            : "ip:" + AddressPartition(context.Connection.RemoteIpAddress);
    }

    public static string AddressPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>A limiter of this process for one caller of one policy.</summary>
    public static RateLimiter LocalLimiter(RateLimitPolicyOptions policy, bool replenishItself = false)
    {
        return policy.Kind switch
        {
            RateLimitKind.FixedWindow => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = policy.PermitLimit,
                Window = policy.Window,
                AutoReplenishment = replenishItself,
            }),
            RateLimitKind.SlidingWindow => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = policy.PermitLimit,
                Window = policy.Window,
                SegmentsPerWindow = policy.SegmentsPerWindow,
                AutoReplenishment = replenishItself,
            }),
            RateLimitKind.TokenBucket => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = policy.PermitLimit,
                TokensPerPeriod = policy.TokensPerPeriod,
                ReplenishmentPeriod = policy.ReplenishmentPeriod,
                AutoReplenishment = replenishItself,
            }),
            _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = policy.PermitLimit }),
        };
    }

    private static void Configure(
        RateLimiterOptions limiter, RateLimitingOptions options,
        Func<string, RateLimitPolicyOptions, RateLimiter> create)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (rejected, _) => RejectAsync(rejected, options);
        foreach (var (name, policy) in options.Policies)
        {
            var partition = Partitioner(name, policy, create);
            limiter.AddPolicy(name, partition);
            if (name == options.GlobalPolicy)
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.Create(partition);
            }
        }
    }

    // Per request only the caller's key is built; the factory is made once per policy.
    private static Func<HttpContext, RateLimitPartition<string>> Partitioner(
        string name, RateLimitPolicyOptions policy, Func<string, RateLimitPolicyOptions, RateLimiter> create)
    {
        Func<string, RateLimiter> factory = key => create(key, policy);
        return context => RateLimitPartition.Get(name + ":" + CallerPartition(context), factory);
    }

    /// <summary>Limiters in Redis, one per caller of a policy; the partition names both.</summary>
    internal static Func<string, RateLimitPolicyOptions, RateLimiter> SharedLimiters(
        ServiceRedis redis, ILogger<SharedRateLimiter> logger)
    {
        var primaryOnly = PrimaryOnlyScripts.For(redis.Connection);
        Func<StackExchange.Redis.IConnectionMultiplexer> connection = () => primaryOnly;
        return (partition, policy) =>
        {
            // The library builds its keys as rl:<kind>:{<partition>}, so the braces keep one caller on one slot.
            var key = redis.KeyPrefix + "ratelimit:" + partition;
            RateLimiter shared = policy.Kind switch
            {
                RateLimitKind.FixedWindow => new RedisFixedWindowRateLimiter<string>(key, new()
                {
                    ConnectionMultiplexerFactory = connection, PermitLimit = policy.PermitLimit, Window = policy.Window,
                }),
                RateLimitKind.SlidingWindow => new RedisSlidingWindowRateLimiter<string>(key, new()
                {
                    ConnectionMultiplexerFactory = connection, PermitLimit = policy.PermitLimit, Window = policy.Window,
                }),
                RateLimitKind.TokenBucket => new RedisTokenBucketRateLimiter<string>(key, new()
                {
                    ConnectionMultiplexerFactory = connection,
                    TokenLimit = policy.PermitLimit,
                    TokensPerPeriod = policy.TokensPerPeriod,
                    ReplenishmentPeriod = policy.ReplenishmentPeriod,
                }),
                _ => new RedisConcurrencyRateLimiter<string>(key, new()
                {
                    ConnectionMultiplexerFactory = connection, PermitLimit = policy.PermitLimit,
                }),
            };
            return new SharedRateLimiter(shared, () => LocalLimiter(policy, replenishItself: true), logger);
        };
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitingOptions options)
    {
        var context = rejected.HttpContext;
        var policyName = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName
            ?? options.GlobalPolicy;
        var policy = policyName is null ? null : options.Policies.GetValueOrDefault(policyName);
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after
            : rejected.Lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : policy?.RetryPeriod ?? TimeSpan.FromSeconds(1);
        var retryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.RetryAfter = retryAfter;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too Many Requests",
                Detail = "A rate limit is used up; retry after " + retryAfter + " s.",
            },
        });
    }
}
