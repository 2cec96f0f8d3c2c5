using Template.Infrastructure.Persistence;

namespace Template.Features.Orders;

/// <summary>An order placed by a caller. Immutable: a change is a new version replacing the old one.</summary>
public sealed record Order(
    Guid Id,
    string OwnerId,
    string CustomerEmail,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    string? Note,
    OrderStatus Status,
    DateTimeOffset PlacedAt,
    DateTimeOffset? CancelledAt = null,
    DateTimeOffset? ConfirmedAt = null,
    int Version = 1)
{
    /// <summary>An order can be cancelled until it has shipped.</summary>
    public bool CanCancel => Status is OrderStatus.Placed or OrderStatus.Confirmed or OrderStatus.Cancelled;

    public Order Cancel(DateTimeOffset at) =>
        Status == OrderStatus.Cancelled
            ? this
            : this with { Status = OrderStatus.Cancelled, CancelledAt = Stamp(at), Version = Version + 1 };

    /// <summary>Only a placed order is confirmed; confirming twice, or a cancelled order, changes nothing.</summary>
    public Order Confirm(DateTimeOffset at) =>
        Status == OrderStatus.Placed
            ? this with { Status = OrderStatus.Confirmed, ConfirmedAt = Stamp(at), Version = Version + 1 }
            : this;

    /// <summary>A time as the database keeps it (<see cref="DatabaseTime.Stamp"/>).</summary>
    public static DateTimeOffset Stamp(DateTimeOffset at) => DatabaseTime.Stamp(at);
}

public sealed record OrderLine(string Sku, int Quantity);

public enum OrderStatus
{
    Placed,
    Confirmed,
    Shipped,
    Cancelled,
}

/// <summary>The representation of an order returned by the Orders endpoints.</summary>
public sealed record OrderResponse(
    Guid Id,
    string CustomerEmail,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    string? Note,
    OrderStatus Status,
    DateTimeOffset PlacedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CancelledAt,
    int Version)
{
    public static OrderResponse From(Order order)
    {
        return new(
            order.Id, order.CustomerEmail, order.Lines, order.Currency, order.Note, order.Status, order.PlacedAt,
            order.ConfirmedAt, order.CancelledAt, order.Version);
    }
}

/// <summary>Cache tags of the Orders area: the slices that cache an order and those that change it agree on
/// these.</summary>
public static class OrderCacheTags
{
    public static string Order(Guid id) => $"order:{id}";
}
