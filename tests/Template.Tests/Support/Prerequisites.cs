namespace Template.Tests.Support;

/// <summary>
/// Tests that need a program from outside .NET (redis-server, Chromium) skip without it on a developer's machine,
/// and fail under CI=true, where a missing one must not pass unnoticed.
/// </summary>
public static class Prerequisites
{
    public static void SkipOrFailWhen(bool missing, string what, string reason)
    {
        if (!missing)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true and {what} is unavailable: {reason}");
        }

        Skip.If(true, reason);
    }
}
