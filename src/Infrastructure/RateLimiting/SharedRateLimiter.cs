using System.Threading.RateLimiting;
using Template.Infrastructure.Errors;

namespace Template.Infrastructure.RateLimiting;

/// <summary>
/// A caller's limiter in Redis that counts in this process while Redis is unreachable, rather than refusing
/// everything: requests that can still be served (cached reads) are served, and still limited. RedisRateLimiting
/// has no such fallback; it lets the connection error through.
/// </summary>
public sealed partial class SharedRateLimiter(
    RateLimiter shared, Func<RateLimiter> createLocal, ILogger<SharedRateLimiter> logger) : RateLimiter
{
    private RateLimiter? local;

    public override TimeSpan? IdleDuration => shared.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => null;

    // Redis cannot answer synchronously; the middleware then asks asynchronously.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => shared.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(
        int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await shared.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception e) when (ProblemExceptionHandler.IsBackendUnavailable(e, cancellationToken))
        {
            if (Volatile.Read(ref local) is null)
            {
                LogFallback(logger, e);
            }

            var fallback = LazyInitializer.EnsureInitialized(ref local, createLocal);
            return await fallback.AcquireAsync(permitCount, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local?.Dispose();
        }

        base.Dispose(disposing);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Redis is unreachable; a rate limit is counted per instance until it is back")]
    private static partial void LogFallback(ILogger logger, Exception exception);
}
