using Microsoft.Extensions.Options;

namespace Template.Infrastructure.RateLimiting;

/// <summary>The algorithms a named policy can use; the same four ASP.NET Core's rate limiter offers.</summary>
public enum RateLimitKind
{
    /// <summary><see cref="RateLimitPolicyOptions.PermitLimit"/> requests per <see cref="RateLimitPolicyOptions.Window"/>, counted in aligned windows.</summary>
    FixedWindow,

    /// <summary><see cref="RateLimitPolicyOptions.PermitLimit"/> requests in any <see cref="RateLimitPolicyOptions.Window"/>, counted in segments.</summary>
    SlidingWindow,

    /// <summary>A bucket of <see cref="RateLimitPolicyOptions.PermitLimit"/> tokens refilled by <see cref="RateLimitPolicyOptions.TokensPerPeriod"/> every <see cref="RateLimitPolicyOptions.ReplenishmentPeriod"/>.</summary>
    TokenBucket,

    /// <summary>At most <see cref="RateLimitPolicyOptions.PermitLimit"/> requests in flight at once.</summary>
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

    /// <summary>How finely a sliding window is counted; permits come back one segment at a time.</summary>
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>Tokens added to the bucket each <see cref="ReplenishmentPeriod"/>.</summary>
    public int TokensPerPeriod { get; set; } = 1;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a concurrency permit is held at most when the instance holding it dies without giving it back
    /// (Redis mode); longer than the slowest request.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromMinutes(2);
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
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.GlobalPolicy) && !options.Policies.ContainsKey(options.GlobalPolicy))
        {
            failures.Add($"RateLimiting:GlobalPolicy names '{options.GlobalPolicy}', which is not under RateLimiting:Policies.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            var at = $"RateLimiting:Policies:{policyName}";
            if (policy.PermitLimit < 1)
            {
                failures.Add($"{at}:PermitLimit must be at least 1.");
            }

            switch (policy.Kind)
            {
                case RateLimitKind.FixedWindow or RateLimitKind.SlidingWindow when policy.Window < TimeSpan.FromMilliseconds(100):
                    failures.Add($"{at}:Window must be at least 100 ms.");
                    break;
                case RateLimitKind.SlidingWindow when policy.SegmentsPerWindow is < 1 or > 100:
                    failures.Add($"{at}:SegmentsPerWindow must be between 1 and 100.");
                    break;
                case RateLimitKind.TokenBucket when policy.TokensPerPeriod < 1 || policy.ReplenishmentPeriod < TimeSpan.FromMilliseconds(10):
                    failures.Add($"{at}: TokensPerPeriod must be at least 1 and ReplenishmentPeriod at least 10 ms.");
                    break;
                case RateLimitKind.Concurrency when policy.LeaseTimeout < TimeSpan.FromSeconds(1):
                    failures.Add($"{at}:LeaseTimeout must be at least 1 second.");
                    break;
                default:
                    break;
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The names of the shipped policies the code refers to; their limits are in <c>appsettings.json</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Where credentials are checked (the token endpoint, the login form): by client address, tight.</summary>
    public const string Credentials = "credentials";

    /// <summary>For costly or abusable writes, such as placing an order.</summary>
    public const string Strict = "strict";
}
