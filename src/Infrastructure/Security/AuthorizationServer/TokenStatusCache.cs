using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using StackExchange.Redis;
using Template.Infrastructure.Redis;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Whether an access token is still valid in the token store, remembered for
/// <c>AuthorizationServer:TokenStatusCacheDuration</c> so a request with a token does not read the database: that
/// read was most of an authenticated request's cost. OpenIddict has no such cache, so this one is ours.
/// Any change to the tokens table (a revocation, a redemption, a prune) forgets every remembered status at once on
/// this instance, and in Redis mode on every other instance through a Redis channel; while that channel is down,
/// nothing is remembered. A status read while a change was being made is not kept.
/// </summary>
public sealed partial class TokenStatusCache : IDisposable
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> valid = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;
    private readonly TimeSpan duration;
    private readonly int capacity;
    private readonly ServiceRedis? redis;
    private readonly RedisChannel channel;
    private readonly ILogger<TokenStatusCache> logger;
    private readonly SemaphoreSlim subscribing = new(1, 1);
    private long generation;
    private volatile bool listening;

    public TokenStatusCache(
        TimeProvider clock,
        IOptions<AuthorizationServerOptions> options,
        IOptions<AuthOptions> auth,
        ILogger<TokenStatusCache> logger,
        ServiceRedis? redis = null)
    {
        this.clock = clock;
        this.logger = logger;
        this.redis = redis;
        duration = options.Value.TokenStatusCacheDuration;
        capacity = auth.Value.ValidatedTokenCacheSize;
        channel = RedisChannel.Literal((redis?.KeyPrefix ?? "") + "oauth:token-changes");
        listening = redis is null;
    }

    /// <summary>True when the token store holds the token with the status <c>valid</c>. The request's
    /// <see cref="AuthorizationServerDb"/> is taken from <paramref name="requestServices"/> only when the status must
    /// be read.</summary>
    public async ValueTask<bool> IsValidAsync(
        string id, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (valid.TryGetValue(id, out var until) && until > now)
        {
            return true;
        }

        var seen = Interlocked.Read(ref generation);
        var db = requestServices.GetRequiredService<AuthorizationServerDb>();
        var status = await db.Set<OpenIddictEntityFrameworkCoreToken>().AsNoTracking()
            .Where(token => token.Id == id)
            .Select(token => token.Status)
            .FirstOrDefaultAsync(cancellationToken);
        if (status != Statuses.Valid)
        {
            return false;
        }

        if (duration > TimeSpan.Zero && await ListeningAsync()
            && BoundedEntries.HasRoom(valid, capacity, now, static until => until))
        {
            valid[id] = now + duration;
            // A change made while the status was read may have been forgotten before it was stored.
            if (Interlocked.Read(ref generation) != seen)
            {
                valid.TryRemove(id, out _);
            }
        }

        return true;
    }

    /// <summary>Forgets every remembered status, here and, in Redis mode, on the other instances.</summary>
    public void TokensChanged()
    {
        Forget();
        if (redis is not null)
        {
            // Fire and forget: a lost message leaves the others' statuses for at most the cache duration.
            redis.Connection.GetSubscriber().Publish(channel, Environment.ProcessId, CommandFlags.FireAndForget);
        }
    }

    private void Forget()
    {
        Interlocked.Increment(ref generation);
        valid.Clear();
    }

    // In Redis mode, statuses are remembered only while this instance hears the others' changes.
    private async ValueTask<bool> ListeningAsync()
    {
        if (redis is null)
        {
            return true;
        }

        if (listening)
        {
            return redis.Connection.IsConnected;
        }

        await subscribing.WaitAsync();
        try
        {
            if (!listening && redis.Connection.IsConnected)
            {
                await redis.Connection.GetSubscriber().SubscribeAsync(channel, (_, _) => Forget());
                redis.Connection.ConnectionFailed += OnConnectionChanged;
                redis.Connection.ConnectionRestored += OnConnectionChanged;
                listening = true;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            CouldNotListen(logger, e);
        }
        finally
        {
            subscribing.Release();
        }

        return listening;
    }

    // Messages sent while the connection was down are lost: forget what was remembered meanwhile.
    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => Forget();

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning,
        Message = "Could not listen for token changes; token statuses are read on every request until it can")]
    private static partial void CouldNotListen(ILogger logger, Exception exception);

    public void Dispose()
    {
        if (redis is not null && listening)
        {
            redis.Connection.ConnectionFailed -= OnConnectionChanged;
            redis.Connection.ConnectionRestored -= OnConnectionChanged;
        }

        subscribing.Dispose();
    }
}

/// <summary>
/// Tells <see cref="TokenStatusCache"/> when a command changed the tokens table, whether through OpenIddict's
/// tracked updates or its bulk revocations, and again when the transaction it ran in commits.
/// </summary>
internal sealed class TokenChangeInterceptor(TokenStatusCache cache) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, object> changedIn = [];

    public override DbDataReader ReaderExecuted(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Seen(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        Seen(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Seen(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Seen(command);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(transaction);

    public Task TransactionCommittedAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    private void Seen(DbCommand command)
    {
        if (!ChangesTokens(command.CommandText))
        {
            return;
        }

        cache.TokensChanged();
        if (command.Transaction is { } transaction)
        {
            changedIn.AddOrUpdate(transaction, this);
        }
    }

    private void Committed(DbTransaction transaction)
    {
        if (changedIn.TryGetValue(transaction, out _))
        {
            changedIn.Remove(transaction);
            cache.TokensChanged();
        }
    }

    // UPDATE or DELETE on OpenIddict's tokens, or on its authorizations, whose deletion cascades to their tokens.
    // Both providers quote the names; EF Core may batch several statements in one command.
    internal static bool ChangesTokens(string sql) =>
        (sql.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal)
            || sql.Contains("\"OpenIddictAuthorizations\"", StringComparison.Ordinal))
        && (sql.Contains("UPDATE ", StringComparison.OrdinalIgnoreCase)
            || sql.Contains("DELETE ", StringComparison.OrdinalIgnoreCase));
}
