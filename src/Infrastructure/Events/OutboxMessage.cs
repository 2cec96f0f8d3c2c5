using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Template.Infrastructure.Events;

/// <summary>
/// One listener's job for one raised event, kept until the job has completed. <see cref="Dispatches"/> counts the
/// times it was handed to the job queue and is the claim every dispatcher checks, so a row is handed over once per
/// claim; <see cref="CompletedAt"/> is the concurrency token that lets only one run of the job complete it.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }

    /// <summary>The listener's full type name; renaming a listener leaves its unfinished rows without one.</summary>
    public required string Listener { get; init; }

    /// <summary>The event as JSON.</summary>
    public required string Payload { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a dispatcher next looks at the row: to hand it over, or to check that its job still
    /// exists.</summary>
    public DateTimeOffset DueAt { get; set; }

    public int Dispatches { get; set; }

    /// <summary>The job of the latest dispatch, once the job queue has taken it.</summary>
    public string? JobId { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Set when the job ran out of retries or was deleted; the dashboard can still retry it.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    internal static OutboxMessage For<TEvent>(ListenerRegistration listener, TEvent raised, DateTimeOffset now)
        where TEvent : IEvent => new()
    {
        Id = Guid.CreateVersion7(),
        Listener = listener.Name,
        Payload = JsonSerializer.Serialize(raised, JsonSerializerOptions.Web),
        CreatedAt = now,
        DueAt = now,
    };
}

internal sealed class OutboxMessageMapping : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("outbox");
        message.HasKey(m => m.Id);
        message.Property(m => m.Listener).HasMaxLength(300);
        message.Property(m => m.JobId).HasMaxLength(100);
        message.Property(m => m.CompletedAt).IsConcurrencyToken();
        // What a dispatcher asks for on every poll: the unfinished rows that are due.
        message.HasIndex(m => new { m.CompletedAt, m.FailedAt, m.DueAt });
    }
}
