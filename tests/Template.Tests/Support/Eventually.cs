using System.Diagnostics;

namespace Template.Tests.Support;

/// <summary>
/// Waits for an outcome the test cannot make happen at once (a job run, a Redis expiry, a health check turning):
/// polls until it holds and asserts the outcome, never how fast it came. The deadline only ends a wait that would
/// otherwise hang; it is far past what a machine ten times slower than an idle one needs.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait may take before the outcome is taken as never coming.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/>; fails with <paramref name="failure"/> after <paramref name="within"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> failure, TimeSpan? within = null, TimeSpan? pause = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > (within ?? Deadline))
            {
                Assert.Fail($"{failure()} (waited {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)");
            }

            await Task.Delay(pause ?? Pause);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string failure, TimeSpan? within = null) =>
        HoldsAsync(() => Task.FromResult(condition()), () => failure, within);
}
