using Hangfire.Logging;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider. Its default keeps the first host's logger factory
/// forever, which breaks as soon as that host is disposed while another still runs (two hosts in one
/// process, as in tests). This provider follows the most recently started host and goes quiet, rather than
/// throwing inside a worker, once that host's logging is gone.
/// </summary>
internal sealed class HangfireLogging : ILogProvider
{
    public static readonly HangfireLogging Instance = new();

    private volatile ILoggerFactory? factory;

    private HangfireLogging()
    {
    }

    public void Follow(ILoggerFactory loggerFactory) => factory = loggerFactory;

    public ILog GetLogger(string name) => new ForwardingLog(this, name);

    private sealed class ForwardingLog(HangfireLogging owner, string name) : ILog
    {
        private ILoggerFactory? createdBy;
        private ILogger? logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var current = owner.factory;
                if (current is null)
                {
                    return false;
                }

                if (!ReferenceEquals(current, createdBy))
                {
                    logger = current.CreateLogger(name);
                    createdBy = current;
                }

                var level = Map(logLevel);
                if (messageFunc is null || !logger!.IsEnabled(level))
                {
                    return logger!.IsEnabled(level);
                }

                var message = messageFunc();
#pragma warning disable CA1848, CA2254 // Hangfire hands over finished messages; there is no message format to cache.
                logger.Log(level, 0, exception, message);
#pragma warning restore CA1848, CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        private static MsLogLevel Map(Hangfire.Logging.LogLevel level) => level switch
        {
            Hangfire.Logging.LogLevel.Trace => MsLogLevel.Trace,
            Hangfire.Logging.LogLevel.Debug => MsLogLevel.Debug,
            Hangfire.Logging.LogLevel.Info => MsLogLevel.Information,
            Hangfire.Logging.LogLevel.Warn => MsLogLevel.Warning,
            Hangfire.Logging.LogLevel.Error => MsLogLevel.Error,
            _ => MsLogLevel.Critical,
        };
    }
}
