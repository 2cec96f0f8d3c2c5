using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Template.Infrastructure.Events;
using Template.Infrastructure.Persistence;
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

    [Fact]
    public async Task Database_commands_write_no_log_lines_outside_Development()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ServiceFixture.StartAsync("Production", services: s => s.AddSingleton<ILoggerProvider>(logs));
        var databases = host.Services.GetRequiredService<IDbContextFactory<ServiceDb>>();
        await using (var db = await databases.CreateDbContextAsync())
        {
            Assert.True(await db.Set<OutboxMessage>().CountAsync() >= 0);
        }

        // EF Core logs every command at Information: a line per outbox poll and per request that reads the database.
        // Migrations applied at start-up still say so.
        Assert.DoesNotContain(logs.Entries, e => e.Category == "Microsoft.EntityFrameworkCore.Database.Command" && e.Level < LogLevel.Warning);
    }
}
