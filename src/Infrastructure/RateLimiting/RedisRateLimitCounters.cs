using StackExchange.Redis;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.RateLimiting;

/// <summary>
/// Counters in Redis, so every instance counts against the same limit. Each decision is one Lua script on one
/// key: the read, the check and the update are atomic, and the clock is Redis's own (<c>TIME</c>), so instances
/// whose clocks differ still agree on the windows. The algorithms are those of <see cref="InMemoryRateLimitCounters"/>.
/// While Redis is unreachable, each instance counts on its own (<see cref="InMemoryRateLimitCounters"/>) rather than
/// refusing everything: requests that can still be served (cached reads, health) keep being served, still limited.
/// </summary>
public sealed partial class RedisRateLimitCounters(ServiceRedis redis, TimeProvider time, ILogger<RedisRateLimitCounters> logger) : IRateLimitCounters
{
    private const string LocalPermit = "local:";
    private readonly InMemoryRateLimitCounters fallback = new(time);
    private int unreachable;

    // Every script returns { allowed (0/1), remaining, reset in ms }.
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    private static readonly LuaScript FixedWindowScript = LuaScript.Prepare(Now + """
        local limit = tonumber(@limit)
        local window = tonumber(@window)
        local index = math.floor(now / window)
        local reset = (index + 1) * window - now
        local state = redis.call('HMGET', @key, 'w', 'c')
        local count = 0
        if tonumber(state[1]) == index then count = tonumber(state[2]) end
        if count >= limit then return { 0, 0, reset } end
        count = count + 1
        redis.call('HSET', @key, 'w', index, 'c', count)
        redis.call('PEXPIRE', @key, reset + 1000)
        return { 1, limit - count, reset }
        """);

    private static readonly LuaScript SlidingWindowScript = LuaScript.Prepare(Now + """
        local limit = tonumber(@limit)
        local segments = tonumber(@segments)
        local segment = math.max(1, math.floor(tonumber(@window) / segments))
        local current = math.floor(now / segment)
        local first = current - segments + 1
        local fields = redis.call('HGETALL', @key)
        local used = 0
        local oldest = nil
        for i = 1, #fields, 2 do
            local s = tonumber(fields[i])
            if s < first then
                redis.call('HDEL', @key, fields[i])
            else
                used = used + tonumber(fields[i + 1])
                if oldest == nil or s < oldest then oldest = s end
            end
        end
        local allowed = 0
        if used < limit then
            redis.call('HINCRBY', @key, current, 1)
            used = used + 1
            allowed = 1
            if oldest == nil then oldest = current end
        end
        redis.call('PEXPIRE', @key, segments * segment + 1000)
        local reset = 0
        if oldest ~= nil then reset = (oldest + segments) * segment - now end
        return { allowed, limit - used, reset }
        """);

    private static readonly LuaScript TokenBucketScript = LuaScript.Prepare(Now + """
        local limit = tonumber(@limit)
        local refill = tonumber(@refill)
        local period = tonumber(@period)
        local state = redis.call('HMGET', @key, 't', 'l')
        local tokens = tonumber(state[1])
        local last = tonumber(state[2])
        if tokens == nil then
            tokens = limit
            last = now
        end
        local periods = math.floor((now - last) / period)
        if periods > 0 then
            tokens = math.min(limit, tokens + periods * refill)
            last = last + periods * period
        end
        if tokens >= limit then last = now end
        local allowed = 0
        if tokens >= 1 then
            tokens = tokens - 1
            allowed = 1
        end
        redis.call('HSET', @key, 't', tokens, 'l', last)
        redis.call('PEXPIRE', @key, (math.floor(limit / refill) + 1) * period + 1000)
        local reset = 0
        if tokens < limit then reset = last + period - now end
        return { allowed, tokens, reset }
        """);

    // Permits are members scored by when they lapse, so an instance that dies holding some cannot leak them.
    private static readonly LuaScript ConcurrencyScript = LuaScript.Prepare(Now + """
        local limit = tonumber(@limit)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now)
        local held = redis.call('ZCARD', @key)
        if held >= limit then return { 0, 0, 0 } end
        redis.call('ZADD', @key, now + tonumber(@timeout), @permit)
        redis.call('PEXPIRE', @key, tonumber(@timeout) + 1000)
        return { 1, limit - held - 1, 0 }
        """);

    public async ValueTask<RateLimitDecision> AcquireAsync(string policyName, RateLimitPolicyOptions policy, string partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var key = Key(policyName, partition);
        var permit = policy.Kind == RateLimitKind.Concurrency ? Guid.NewGuid().ToString("N") : null;
        var (script, parameters) = policy.Kind switch
        {
            RateLimitKind.FixedWindow => (FixedWindowScript, (object)new { key, limit = policy.PermitLimit, window = (long)policy.Window.TotalMilliseconds }),
            RateLimitKind.SlidingWindow => (SlidingWindowScript, new { key, limit = policy.PermitLimit, window = (long)policy.Window.TotalMilliseconds, segments = policy.SegmentsPerWindow }),
            RateLimitKind.TokenBucket => (TokenBucketScript, new { key, limit = policy.PermitLimit, refill = policy.TokensPerPeriod, period = (long)policy.ReplenishmentPeriod.TotalMilliseconds }),
            _ => (ConcurrencyScript, new { key, limit = policy.PermitLimit, timeout = (long)policy.LeaseTimeout.TotalMilliseconds, permit }),
        };
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.Connection.GetDatabase().ScriptEvaluateAsync(script, parameters))!;
        }
        catch (Exception e) when (Errors.ProblemExceptionHandler.IsBackendUnavailable(e))
        {
            if (Interlocked.Exchange(ref unreachable, 1) == 0)
            {
                LogFallback(logger, e);
            }

            var local = await fallback.AcquireAsync(policyName, policy, partition, cancellationToken);
            return local with { Permit = local.Permit is null ? null : LocalPermit + local.Permit };
        }

        Interlocked.Exchange(ref unreachable, 0);
        var allowed = (long)result[0] == 1;
        return new RateLimitDecision(allowed, policy.PermitLimit, (long)result[1], TimeSpan.FromMilliseconds((long)result[2]), allowed ? permit : null);
    }

    public async ValueTask ReleaseAsync(string policyName, string partition, string permit)
    {
        ArgumentNullException.ThrowIfNull(permit);
        if (permit.StartsWith(LocalPermit, StringComparison.Ordinal))
        {
            await fallback.ReleaseAsync(policyName, partition, permit);
            return;
        }

        try
        {
            await redis.Connection.GetDatabase().SortedSetRemoveAsync(Key(policyName, partition), permit);
        }
        catch (Exception e) when (Errors.ProblemExceptionHandler.IsBackendUnavailable(e))
        {
            // The permit lapses by itself after LeaseTimeout.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Redis is unreachable; rate limits are counted per instance until it is back")]
    private static partial void LogFallback(ILogger logger, Exception exception);

    // One key per policy and caller; the braces keep a caller's key on one cluster slot.
    private RedisKey Key(string policyName, string partition) => $"{redis.KeyPrefix}ratelimit:{{{policyName}:{partition}}}";
}
