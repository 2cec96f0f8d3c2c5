using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The shipped log levels keep a line per operation out of the logs: it cost throughput and said nothing.</summary>
public sealed class LogLevelTests
{
    [Fact]
    public async Task Cache_reads_write_no_log_lines_with_the_shipped_levels()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ServiceFixture.StartAsync("Development", services: s => s.AddSingleton<ILoggerProvider>(logs));
        var cache = host.Services.GetRequiredService<HybridCache>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(42, await cache.GetOrCreateAsync("log-levels:probe", _ => ValueTask.FromResult(42)));
        }

        // FusionCache writes two Information lines per operation (its "call" and "return" trace) unless told not to.
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("ZiggyCreatures", StringComparison.Ordinal) && e.Level < LogLevel.Warning);
    }
}
