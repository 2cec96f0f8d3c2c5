using Microsoft.Extensions.Options;

namespace Template.Infrastructure.RateLimiting;

/// <summary>The algorithms of <c>System.Threading.RateLimiting</c> a named policy can use.</summary>
public enum RateLimitKind
{
    /// <summary><c>PermitLimit</c> requests per <c>Window</c>.</summary>
    FixedWindow,

    /// <summary><c>PermitLimit</c> requests in any <c>Window</c>.</summary>
    SlidingWindow,

    /// <summary>A bucket of <c>PermitLimit</c> tokens, <c>TokensPerPeriod</c> added every
    /// <c>ReplenishmentPeriod</c>.</summary>
    TokenBucket,

    /// <summary>At most <c>PermitLimit</c> requests in flight at once.</summary>
    Concurrency,
}

/// <summary>One named policy (<c>RateLimiting:Policies:&lt;name&gt;</c>). Every caller has its own counters.</summary>
public sealed class RateLimitPolicyOptions
{
    public RateLimitKind Kind { get; set; } = RateLimitKind.FixedWindow;

    /// <summary>Requests per window, the bucket size, or requests in flight, by <see cref="Kind"/>.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window of the two window kinds.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How finely an in-process sliding window is counted; Redis counts each request.</summary>
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>Tokens added to the bucket each <see cref="ReplenishmentPeriod"/>.</summary>
    public int TokensPerPeriod { get; set; } = 1;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a refused caller should wait at least: what <c>Retry-After</c> says when the limiter does
    /// not.</summary>
    public TimeSpan RetryPeriod => Kind switch
    {
        RateLimitKind.FixedWindow => Window,
        RateLimitKind.SlidingWindow => Window / Math.Max(1, SegmentsPerWindow),
        RateLimitKind.TokenBucket => ReplenishmentPeriod,
        _ => TimeSpan.FromSeconds(1),
    };
}

/// <summary>Rate limiting (<c>RateLimiting</c> section).</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>The policy every request passes first, whatever its endpoint; empty for none.</summary>
    public string? GlobalPolicy { get; set; }

    /// <summary>Named policies; endpoints choose one with <c>RequireRateLimiting("name")</c>.</summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Fails start-up with the setting's name when a policy cannot work as written.</summary>
public sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.GlobalPolicy) && !options.Policies.ContainsKey(options.GlobalPolicy))
        {
            failures.Add($"RateLimiting:GlobalPolicy names '{options.GlobalPolicy}', "
                + "which is not under RateLimiting:Policies.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            var at = $"RateLimiting:Policies:{policyName}";
            if (policy.PermitLimit < 1)
            {
                failures.Add($"{at}:PermitLimit must be at least 1.");
            }

            var wrong = policy.Kind switch
            {
                RateLimitKind.FixedWindow or RateLimitKind.SlidingWindow
                    when policy.Window < TimeSpan.FromMilliseconds(100)
                    => ":Window must be at least 100 ms.",
                RateLimitKind.SlidingWindow when policy.SegmentsPerWindow is < 1 or > 100
                    => ":SegmentsPerWindow must be between 1 and 100.",
                RateLimitKind.TokenBucket when policy.TokensPerPeriod < 1
                    || policy.ReplenishmentPeriod < TimeSpan.FromMilliseconds(10)
                    => ": TokensPerPeriod must be at least 1 and ReplenishmentPeriod at least 10 ms.",
                _ => null,
            };
            if (wrong is not null)
            {
                failures.Add(at + wrong);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The names of the shipped policies the code refers to; their limits are in
/// <c>appsettings.json</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Where credentials are checked (the token endpoint, the login form): by client address, tight.</summary>
    public const string Credentials = "credentials";

    /// <summary>For costly or abusable writes, such as placing an order.</summary>
    public const string Strict = "strict";
}
