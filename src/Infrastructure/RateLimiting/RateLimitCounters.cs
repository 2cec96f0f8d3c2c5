using System.Collections.Concurrent;

namespace Template.Infrastructure.RateLimiting;

/// <summary>
/// The answer for one request: admitted or not, the figures the <c>RateLimit-*</c> headers report, and for the
/// concurrency kind the permit to give back when the request ends.
/// </summary>
/// <param name="Allowed">Whether the request may go on.</param>
/// <param name="Limit">The policy's permit limit.</param>
/// <param name="Remaining">Permits left after this one.</param>
/// <param name="Reset">When permits come back: the window's end, the next refill, the oldest segment's expiry; zero for concurrency.</param>
/// <param name="Permit">The concurrency permit to give back, if one was taken.</param>
public readonly record struct RateLimitDecision(bool Allowed, long Limit, long Remaining, TimeSpan Reset, string? Permit = null);

/// <summary>Where a policy's counters live: this process, or Redis so that every instance counts against one limit.</summary>
public interface IRateLimitCounters
{
    /// <summary>Takes one permit of <paramref name="policy"/> for <paramref name="partition"/> if one is left.</summary>
    ValueTask<RateLimitDecision> AcquireAsync(string policyName, RateLimitPolicyOptions policy, string partition, CancellationToken cancellationToken);

    /// <summary>Gives back a concurrency permit.</summary>
    ValueTask ReleaseAsync(string policyName, string partition, string permit);
}

/// <summary>
/// Counters in this process. Each partition has one small state under its own lock; states that can no longer
/// limit anything (their window or refill is over) are dropped now and then so idle callers do not pile up.
/// </summary>
public sealed class InMemoryRateLimitCounters(TimeProvider time) : IRateLimitCounters
{
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<(string Policy, string Partition), PartitionState> states = new();
    private int acquisitions;

    public ValueTask<RateLimitDecision> AcquireAsync(string policyName, RateLimitPolicyOptions policy, string partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Interlocked.Increment(ref acquisitions) % SweepEvery == 0)
        {
            Sweep(now);
        }

        while (true)
        {
            var state = states.GetOrAdd((policyName, partition), static (_, p) => new PartitionState(p), policy);
            lock (state)
            {
                // Swept between the lookup and the lock: count on the state that replaced it.
                if (state.Dropped)
                {
                    continue;
                }

                state.LastUsed = now;
                return ValueTask.FromResult(policy.Kind switch
                {
                    RateLimitKind.FixedWindow => FixedWindow(state, policy, now),
                    RateLimitKind.SlidingWindow => SlidingWindow(state, policy, now),
                    RateLimitKind.TokenBucket => TokenBucket(state, policy, now),
                    _ => Concurrency(state, policy),
                });
            }
        }
    }

    public ValueTask ReleaseAsync(string policyName, string partition, string permit)
    {
        if (states.TryGetValue((policyName, partition), out var state))
        {
            lock (state)
            {
                state.Count = Math.Max(0, state.Count - 1);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>How many partitions are held; for tests of the sweep.</summary>
    public int PartitionCount => states.Count;

    private static RateLimitDecision FixedWindow(PartitionState state, RateLimitPolicyOptions policy, long now)
    {
        var window = (long)policy.Window.TotalMilliseconds;
        var index = now / window;
        if (state.Window != index)
        {
            state.Window = index;
            state.Count = 0;
        }

        var reset = TimeSpan.FromMilliseconds(((index + 1) * window) - now);
        if (state.Count >= policy.PermitLimit)
        {
            return new(false, policy.PermitLimit, 0, reset);
        }

        state.Count++;
        return new(true, policy.PermitLimit, policy.PermitLimit - state.Count, reset);
    }

    private static RateLimitDecision SlidingWindow(PartitionState state, RateLimitPolicyOptions policy, long now)
    {
        var segments = policy.SegmentsPerWindow;
        var segment = Math.Max(1, (long)policy.Window.TotalMilliseconds / segments);
        var current = now / segment;
        var counts = state.Segments!;
        // Segments that slid out of the window hold nothing any more.
        for (var s = Math.Max(state.Window + 1, current - segments + 1); s <= current; s++)
        {
            counts[Slot(s, segments)] = 0;
        }

        state.Window = current;
        var used = counts.Sum();
        var allowed = used < policy.PermitLimit;
        if (allowed)
        {
            counts[Slot(current, segments)]++;
            used++;
        }

        var oldest = current - segments + 1;
        while (oldest < current && counts[Slot(oldest, segments)] == 0)
        {
            oldest++;
        }

        // Permits come back when the oldest segment that holds any slides out.
        var reset = used == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(((oldest + segments) * segment) - now);
        return new(allowed, policy.PermitLimit, policy.PermitLimit - used, reset);
    }

    private static RateLimitDecision TokenBucket(PartitionState state, RateLimitPolicyOptions policy, long now)
    {
        var period = (long)policy.ReplenishmentPeriod.TotalMilliseconds;
        if (state.Window < 0)
        {
            state.Count = policy.PermitLimit;
            state.Window = now;
        }

        var periods = (now - state.Window) / period;
        if (periods > 0)
        {
            state.Count = Math.Min(policy.PermitLimit, state.Count + (periods * policy.TokensPerPeriod));
            state.Window += periods * period;
        }

        if (state.Count >= policy.PermitLimit)
        {
            // A full bucket does not save up refills.
            state.Window = now;
        }

        var allowed = state.Count >= 1;
        if (allowed)
        {
            state.Count--;
        }

        var reset = state.Count >= policy.PermitLimit ? TimeSpan.Zero : TimeSpan.FromMilliseconds(state.Window + period - now);
        return new(allowed, policy.PermitLimit, state.Count, reset);
    }

    private static RateLimitDecision Concurrency(PartitionState state, RateLimitPolicyOptions policy)
    {
        if (state.Count >= policy.PermitLimit)
        {
            return new(false, policy.PermitLimit, 0, TimeSpan.Zero);
        }

        state.Count++;
        return new(true, policy.PermitLimit, policy.PermitLimit - state.Count, TimeSpan.Zero, Permit: "in-process");
    }

    private static int Slot(long segment, int segments) => (int)(segment % segments);

    private void Sweep(long now)
    {
        foreach (var (key, state) in states)
        {
            lock (state)
            {
                if (state.CanBeDropped(now))
                {
                    state.Dropped = true;
                    states.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class PartitionState(RateLimitPolicyOptions policy)
    {
        public RateLimitPolicyOptions Policy { get; } = policy;

        /// <summary>The window or newest segment index; for the bucket, the time of the last refill.</summary>
        public long Window { get; set; } = -1;

        /// <summary>Requests in the window, tokens in the bucket, or requests in flight.</summary>
        public long Count { get; set; }

        public long[]? Segments { get; } = policy.Kind == RateLimitKind.SlidingWindow ? new long[policy.SegmentsPerWindow] : null;

        public long LastUsed { get; set; }

        public bool Dropped { get; set; }

        /// <summary>Dropping it changes nothing: a fresh state would answer the same.</summary>
        public bool CanBeDropped(long now) => Policy.Kind switch
        {
            RateLimitKind.Concurrency => Count == 0,
            RateLimitKind.TokenBucket => now - LastUsed > (long)Policy.ReplenishmentPeriod.TotalMilliseconds * (Policy.PermitLimit / Policy.TokensPerPeriod + 1),
            _ => now - LastUsed > (long)Policy.Window.TotalMilliseconds,
        };
    }
}
