using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace Template.Infrastructure.Redis;

/// <summary>
/// Sends every Lua script to the primary. StackExchange.Redis sends plain writes to the primary by itself, but lets
/// a script go to a replica when it knows no primary, since a script may only read. The rate limiter's and the
/// lock's scripts write, and neither library takes command flags, so their connection or database is wrapped.
/// </summary>
/// <remarks>Not sealed: <see cref="DispatchProxy"/> derives the proxy type from it.</remarks>
public class PrimaryOnlyScripts : DispatchProxy
{
    private object target = null!;

    /// <summary>A connection whose databases send scripts to the primary only.</summary>
    public static IConnectionMultiplexer For(IConnectionMultiplexer connection) => Wrap(connection);

    /// <summary>A database that sends scripts to the primary only.</summary>
    public static IDatabase For(IDatabase database) => Wrap(database);

    private static T Wrap<T>(T target)
        where T : class
    {
        var proxy = Create<T, PrimaryOnlyScripts>();
        ((PrimaryOnlyScripts)(object)proxy).target = target;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name.StartsWith("ScriptEvaluate", StringComparison.Ordinal)
            && args is [.., CommandFlags flags])
        {
            // DemandReplica covers both replica bits; clearing it leaves the other flags (FireAndForget) as given.
            args[^1] = (flags & ~CommandFlags.DemandReplica) | CommandFlags.DemandMaster;
        }

        object? result;
        try
        {
            result = targetMethod.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        return result is IDatabase database && targetMethod.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? For(database)
            : result;
    }
}
