using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Jobs;

/// <summary>What an instance runs: the HTTP API, the job workers, or both (the default).</summary>
public enum InstanceRole
{
    All,
    Api,
    Worker,
}

/// <summary>Settings of queued jobs (<c>Jobs</c> section).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    public InstanceRole Role { get; set; } = InstanceRole.All;

    /// <summary>
    /// Queues in order of priority, highest first, each with its own workers. A queue's workers take its
    /// jobs first and help with the queues below it when it is empty, so urgent work never waits behind a
    /// backlog of lesser work and the lowest queue still moves.
    /// </summary>
    public IList<JobQueueOptions> Queues { get; } = [];

    /// <summary>
    /// How often a worker says it is alive. A worker silent for <see cref="ServerTimeout"/> is taken for dead
    /// and the jobs it held are queued again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(45);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ServerCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Last resort for a job whose worker vanished without its death being noticed: after this long it runs
    /// again even if it may still be running. Keep it above the longest job.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often due scheduled jobs are moved to their queue.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Redis mode: how long an idle worker waits for the new-job notification before it looks at the queues
    /// itself. Redis pub/sub can drop a message (e.g. while reconnecting); this bounds the delay that costs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FetchPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a stopping instance lets running jobs finish; the ones still running are queued
    /// again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a succeeded or deleted job stays in storage (and on the dashboard) before it expires. Failed jobs
    /// stay until they are retried or deleted. In Redis mode each finished job's keys carry this expiry, so the
    /// key count returns to where it was once the retention has passed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan FinishedJobRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Prefix of Hangfire's keys in Redis mode. The braces keep them in one Redis Cluster slot.</summary>
    [Required]
    public string RedisPrefix { get; set; } = "{template:jobs}:";

    public bool RunsApi => Role is InstanceRole.All or InstanceRole.Api;

    public bool RunsWorkers => Role is InstanceRole.All or InstanceRole.Worker;

    /// <summary>The configured queues, or the defaults when none are configured.</summary>
    public IReadOnlyList<JobQueueOptions> EffectiveQueues => Queues.Count > 0
        ? [.. Queues]
        :
        [
            new() { Name = JobQueues.Critical, Workers = 2 },
            new() { Name = JobQueues.Default, Workers = 5 },
            new() { Name = JobQueues.Low, Workers = 1 },
        ];
}

public sealed class JobQueueOptions
{
    public string Name { get; set; } = "";

    public int Workers { get; set; } = 1;
}

/// <summary>Retries with exponential back-off (<c>Jobs:Retry</c> section): BaseDelay, 2×, 4×… capped at MaxDelay, then
/// the Failed state.</summary>
public sealed class JobRetryOptions : IValidatableObject
{
    public const string Section = "Jobs:Retry";

    [Range(0, 100)]
    public int Attempts { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult(
                "Jobs:Retry:MaxDelay must not be shorter than Jobs:Retry:BaseDelay.", [nameof(MaxDelay)]);
        }
    }

    /// <summary>The wait before retry number <paramref name="attempt"/> (1 for the first retry).</summary>
    public TimeSpan DelayBefore(long attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var delay = BaseDelay.TotalSeconds * Math.Pow(2, exponent);
        return TimeSpan.FromSeconds(Math.Min(delay, MaxDelay.TotalSeconds));
    }
}

/// <summary>The queue names used by default; any lower-case name configured in <c>Jobs:Queues</c> works.</summary>
public static class JobQueues
{
    public const string Critical = "critical";
    public const string Default = "default";
    public const string Low = "low";
}

[OptionsValidator]
internal sealed partial class JobsAnnotationsValidator : IValidateOptions<JobsOptions>;

[OptionsValidator]
internal sealed partial class JobRetryValidator : IValidateOptions<JobRetryOptions>;

/// <summary>Rules data annotations cannot express: queue names Hangfire accepts, each once, with workers.</summary>
internal sealed partial class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var failures = new List<string>();
        var queues = options.EffectiveQueues;
        for (var i = 0; i < queues.Count; i++)
        {
            if (!QueueName().IsMatch(queues[i].Name))
            {
                failures.Add(
                    $"Jobs:Queues:{i}:Name '{queues[i].Name}' must be lower-case letters, digits or '_' (at most 50).");
            }

            if (queues[i].Workers is < 1 or > 100)
            {
                failures.Add($"Jobs:Queues:{i}:Workers must be between 1 and 100.");
            }
        }

        var duplicates =
            queues.GroupBy(q => q.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            failures.Add($"Jobs:Queues names a queue more than once: {string.Join(", ", duplicates)}.");
        }

        if (options.ServerTimeout <= options.HeartbeatInterval)
        {
            failures.Add(
                "Jobs:ServerTimeout must be longer than Jobs:HeartbeatInterval, or live workers are taken for dead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9_]{1,50}$")]
    private static partial Regex QueueName();
}
