using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mediator;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// The outermost step: a span and a duration per request, a warning for each failed request (401, 403 and 400
/// included) and a debug line for each handled one. It wraps the other steps, so refused and invalid requests are
/// traced and logged as well as handled ones.
/// </summary>
/// <remarks>
/// The clock is read only when someone listens: on a virtual machine each read costs about 30 ns. A request whose
/// inner steps complete synchronously (a cache hit, an in-memory handler) does not suspend here either.
/// </remarks>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string RequestName = typeof(TMessage).Name;

    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var activity = RequestTelemetry.Source.StartActivity(RequestName);
        activity?.SetTag("request.name", RequestName);
        var started = activity is not null || RequestLog.IsObserved(logger) ? Stopwatch.GetTimestamp() : 0;
        ValueTask<TResponse> pending;
        try
        {
            pending = next(message, cancellationToken);
        }
        catch (Exception exception)
        {
            pending = ValueTask.FromException<TResponse>(exception);
        }

        if (!pending.IsCompleted)
        {
            return AwaitAsync(pending, activity, started);
        }

        try
        {
            var response = pending.Result;
            RequestLog.Handled(logger, RequestName, started);
            return new ValueTask<TResponse>(response);
        }
        catch (Exception exception)
        {
            RequestLog.Failed(logger, activity, RequestName, started, exception);
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private async ValueTask<TResponse> AwaitAsync(ValueTask<TResponse> pending, Activity? activity, long started)
    {
        using (activity)
        {
            try
            {
                var response = await pending;
                RequestLog.Handled(logger, RequestName, started);
                return response;
            }
            catch (Exception exception)
            {
                RequestLog.Failed(logger, activity, RequestName, started, exception);
                throw;
            }
        }
    }
}

/// <remarks>
/// Handled requests are logged at <c>Debug</c>: a JSON line per request cost a quarter of the service's throughput
/// in the benchmark, and the duration histogram and the trace already record them. Development turns it on.
/// </remarks>
internal static partial class RequestLog
{
    /// <summary>Whether the outcome of a request is logged or measured at all, so the clock is worth reading.</summary>
    public static bool IsObserved(ILogger logger) =>
        RequestTelemetry.Duration.Enabled || logger.IsEnabled(LogLevel.Debug) || logger.IsEnabled(LogLevel.Warning);

    public static void Handled(ILogger logger, string requestName, long started)
    {
        if (started == 0)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogHandled(logger, requestName, elapsed);
        RequestTelemetry.Duration.Record(elapsed, new("request", requestName), new("outcome", "ok"));
    }

    public static void Failed(ILogger logger, Activity? activity, string requestName, long started, Exception exception)
    {
        var outcome = exception.GetType().Name;
        activity?.SetStatus(ActivityStatusCode.Error, outcome);
        activity?.SetTag("request.outcome", outcome);
        if (started == 0)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogFailed(logger, requestName, elapsed, outcome);
        RequestTelemetry.Duration.Record(elapsed, new("request", requestName), new("outcome", outcome));
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "{RequestName} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string requestName, double elapsedMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "{RequestName} failed in {ElapsedMs:0.0} ms: {Outcome}")]
    private static partial void LogFailed(ILogger logger, string requestName, double elapsedMs, string outcome);
}

/// <summary>The activity source the request pipeline reports spans to.</summary>
public static class RequestTelemetry
{
    public const string SourceName = "Template.Requests";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(SourceName);

    /// <summary>Time spent in the pipeline per request type and outcome (<c>ok</c> or the exception's name).</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "requests.duration", unit: "ms", description: "Time mediator requests spend in the pipeline.");
}
