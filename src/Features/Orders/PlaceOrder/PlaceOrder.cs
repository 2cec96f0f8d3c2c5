using Template.Infrastructure.RateLimiting;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Events;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Validation;
using Template.Infrastructure.Validation.Rules;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.PlaceOrder;

/// <summary>POST /api/orders: the caller places an order; it starts Placed and a listener of OrderPlaced confirms
/// it.</summary>
public sealed class PlaceOrderEndpoint : IEndpoint<OrdersRoutes>
{
    public const string Route = OrdersRoutes.Prefix;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(
            Route,
            async Task<Created<OrderResponse>> (
                PlaceOrderCommand command, ISender sender, CancellationToken cancellationToken) =>
            {
                var order = await sender.Send(command, cancellationToken);
                return TypedResults.Created($"{Route}/{order.Id}", order);
            })
            .WithName("PlaceOrder")
            // Each order starts a job and a confirmation; one caller cannot flood them.
            .RequireRateLimiting(RateLimitPolicies.Strict)
            .WithSummary("Place an order")
            .Accepts<PlaceOrderCommand>("application/json");
}

/// <summary>The order to place, as the client sends it.</summary>
[Authorize(Policy = OrderGates.Create)]
public sealed record PlaceOrderCommand(
    string CustomerEmail,
    IReadOnlyList<PlaceOrderLine> Lines,
    string Currency,
    string? Note) : ICommand<OrderResponse>, INormalizable<PlaceOrderCommand>
{
    /// <summary>Before validation: e-mail trimmed and lower-cased, a blank note dropped, the note trimmed.</summary>
    public PlaceOrderCommand Normalize() => this with
    {
        CustomerEmail = CustomerEmail?.Trim().ToLowerInvariant()!,
        Note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(),
    };
}

public sealed record PlaceOrderLine(string Sku, int Quantity);

public sealed class PlaceOrderValidator : AbstractValidator<PlaceOrderCommand>
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;
    public const int MaxTotalQuantity = 5000;

    public PlaceOrderValidator(IValidator<PlaceOrderLine> lineValidator)
    {
        RuleFor(c => c.CustomerEmail).NotEmpty().MaximumLength(254).StrictEmail();
        RuleFor(c => c.Currency).NotEmpty().CurrencyCode();
        RuleFor(c => c.Note).MaximumLength(500);
        RuleFor(c => c.Lines).NotEmpty();
        RuleFor(c => (IEnumerable<PlaceOrderLine>?)c.Lines).MaxItems(MaxLines).Distinct(line => line.Sku)
            .OverridePropertyName(nameof(PlaceOrderCommand.Lines));
        RuleForEach(c => c.Lines).SetValidator(lineValidator);

        // A check on the whole request (Laravel's "after" hook): only once the lines themselves are valid.
        RuleFor(c => c.Lines)
            .Must((_, lines, context) =>
            {
                context.MessageFormatter.AppendArgument("Max", MaxTotalQuantity);
                return lines.Sum(l => l.Quantity) <= MaxTotalQuantity;
            })
            .When(c => c.Lines is { Count: > 0 } lines
                && lines.All(l => l is not null && l.Quantity is >= 1 and <= MaxQuantity))
            .WithErrorCode("max_total_quantity")
            .WithMessage(_ => ValidationSetup.Messages.GetString("max_total_quantity"));
    }
}

/// <summary>One line; its own validator so the OpenAPI document shows its rules too.</summary>
public sealed class PlaceOrderLineValidator : AbstractValidator<PlaceOrderLine>
{
    public PlaceOrderLineValidator(IProductCatalog catalog)
    {
        // Cascade: the catalog is only asked about well-formed SKUs.
        RuleFor(l => l.Sku).Cascade(CascadeMode.Stop).NotEmpty().Sku().InCatalog(catalog);
        RuleFor(l => l.Quantity).InclusiveBetween(1, PlaceOrderValidator.MaxQuantity);
    }
}

/// <summary>The order and its <see cref="OrderPlaced"/> event are committed together: an order is never kept without
/// its confirmation to come, nor a confirmation queued for an order that was not kept.</summary>
public sealed class PlaceOrderHandler(IOrderStore store, IRequestCaller caller, TimeProvider clock, IEvents events)
    : ICommandHandler<PlaceOrderCommand, OrderResponse>
{
    public async ValueTask<OrderResponse> Handle(PlaceOrderCommand command, CancellationToken cancellationToken)
    {
        var order = new Order(
            Id: Guid.CreateVersion7(),
            OwnerId: caller.RequiredId,
            CustomerEmail: command.CustomerEmail,
            Lines: [.. command.Lines.Select(l => new OrderLine(l.Sku, l.Quantity))],
            Currency: command.Currency,
            Note: command.Note,
            Status: OrderStatus.Placed,
            PlacedAt: Order.Stamp(clock.GetUtcNow()));
        events.Raise(new OrderPlaced(order.Id));
        await store.AddAsync(order, cancellationToken);
        return OrderResponse.From(order);
    }
}
