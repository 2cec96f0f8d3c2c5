using Template.Infrastructure.Events;

namespace Template.Features.Orders;

/// <summary>Raised by PlaceOrder with the new order; its listeners run as queued jobs once the order is
/// committed.</summary>
public sealed record OrderPlaced(Guid OrderId) : IEvent;
