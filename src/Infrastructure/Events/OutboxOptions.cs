using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Events;

/// <summary>Settings of the outbox that carries events to their listeners (<c>Outbox</c> section).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often each instance looks for rows to hand to the job queue. Rows raised on an instance are
    /// handed over at once; this bounds the delay for the others and for rows whose job was lost. Each poll wakes
    /// the process: at 1 s the polls were most of an idle instance's CPU.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after handing a row over its job is looked up again; a job the queue has lost (a Redis
    /// failover or flush, an in-memory queue restarted) is handed over again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RecheckAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a job may wait queued without starting, or stay marked running, before its row is handed over again.
    /// A Redis failover can leave a job marked queued in no queue (taken by a worker whose hand-back the old primary
    /// lost), or marked running with no worker (its result or retry lost), where Hangfire finds it only after
    /// <c>Jobs:InvisibilityTimeout</c>. Should it go on after all, it finds its row completed and does nothing, or
    /// fails on the row's mark. Keep it above the longest wait in the queue and the longest listener.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows one poll handles at most.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long completed rows are kept, for inspection, before they are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

[OptionsValidator]
internal sealed partial class OutboxValidator : IValidateOptions<OutboxOptions>;

/// <summary>Wakes this instance's dispatcher when a request has committed rows.</summary>
internal sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request woke it first.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => wake.Dispose();
}
