using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Template.Features.Orders;

/// <summary>
/// How an order is stored: one row, its lines as JSON (they are only ever read with the order), its version as the
/// concurrency token every change is checked against.
/// </summary>
internal sealed class OrderMapping : IEntityTypeConfiguration<Order>
{
    private static readonly ValueConverter<IReadOnlyList<OrderLine>, string> LinesAsJson =
        new(lines => WriteLines(lines), json => ReadLines(json));

    private static readonly ValueComparer<IReadOnlyList<OrderLine>> LinesByValue = new(
        (a, b) => a!.SequenceEqual(b!),
        lines => lines.Aggregate(0, (hash, line) => HashCode.Combine(hash, line)),
        lines => lines.ToList());

    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.ToTable("orders");
        order.HasKey(o => o.Id);
        order.Property(o => o.OwnerId).HasMaxLength(200);
        order.Property(o => o.CustomerEmail).HasMaxLength(254);
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.Note).HasMaxLength(500);
        order.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        order.Property(o => o.Lines).HasConversion(LinesAsJson, LinesByValue);
        order.Property(o => o.Version).IsConcurrencyToken();
        // The owner's list, newest first, and the purge of orders cancelled long ago.
        order.HasIndex(o => new { o.OwnerId, o.PlacedAt });
        order.HasIndex(o => new { o.Status, o.CancelledAt });
    }

    private static string WriteLines(IReadOnlyList<OrderLine> lines) =>
        JsonSerializer.Serialize(lines, JsonSerializerOptions.Web);

    private static List<OrderLine> ReadLines(string json) =>
        JsonSerializer.Deserialize<List<OrderLine>>(json, JsonSerializerOptions.Web) ?? [];
}
