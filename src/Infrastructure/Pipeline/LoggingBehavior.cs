using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mediator;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// Outermost behavior: one span and one log line per request with its name, duration and outcome,
/// so rejected requests (401/403/400) are traced as well as handled ones.
/// </summary>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string RequestName = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var activity = RequestTelemetry.Source.StartActivity(RequestName);
        activity?.SetTag("request.name", RequestName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogHandled(logger, RequestName, elapsed.TotalMilliseconds);
            RequestTelemetry.Duration.Record(elapsed.TotalMilliseconds, new("request", RequestName), new("outcome", "ok"));
            return response;
        }
        catch (Exception exception)
        {
            var outcome = exception.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            activity?.SetTag("request.outcome", outcome);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogFailed(logger, RequestName, elapsed.TotalMilliseconds, outcome);
            RequestTelemetry.Duration.Record(elapsed.TotalMilliseconds, new("request", RequestName), new("outcome", outcome));
            throw;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{RequestName} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string requestName, double elapsedMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{RequestName} failed in {ElapsedMs:0.0} ms: {Outcome}")]
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
