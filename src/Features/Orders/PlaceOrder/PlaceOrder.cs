using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Template.Infrastructure.Endpoints;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.PlaceOrder;

/// <summary>POST /api/orders: the caller places an order; it starts Placed and a job confirms it.</summary>
public sealed class PlaceOrderEndpoint : IEndpoint
{
    public const string Route = "/api/orders";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, async Task<Created<OrderResponse>> (PlaceOrderCommand command, ISender sender, CancellationToken cancellationToken) =>
            {
                var order = await sender.Send(command, cancellationToken);
                return TypedResults.Created($"{Route}/{order.Id}", order);
            })
            .WithName("PlaceOrder")
            .WithTags("Orders")
            .WithSummary("Place an order")
            .Accepts<PlaceOrderCommand>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}

/// <summary>The order to place, as the client sends it.</summary>
[Authorize]
public sealed record PlaceOrderCommand(
    string CustomerEmail,
    IReadOnlyList<PlaceOrderLine> Lines,
    string Currency,
    string? Note) : ICommand<OrderResponse>;

public sealed record PlaceOrderLine(string Sku, int Quantity);

public sealed class PlaceOrderValidator : AbstractValidator<PlaceOrderCommand>
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;

    public PlaceOrderValidator()
    {
        RuleFor(c => c.CustomerEmail).NotEmpty().MaximumLength(254).EmailAddress();
        RuleFor(c => c.Currency).NotEmpty().Matches("^[A-Z]{3}$")
            .WithMessage("'{PropertyName}' must be a three-letter ISO 4217 code in upper case, such as EUR.");
        RuleFor(c => c.Note).MaximumLength(500);
        RuleFor(c => c.Lines).NotEmpty().Must(lines => lines is null || lines.Count <= MaxLines)
            .WithMessage($"An order has at most {MaxLines} lines.");
        RuleForEach(c => c.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.Sku).NotEmpty().Matches("^[A-Z0-9-]{3,32}$")
                .WithMessage("'{PropertyName}' must be 3 to 32 upper-case letters, digits or dashes.");
            line.RuleFor(l => l.Quantity).InclusiveBetween(1, MaxQuantity);
        });
        RuleFor(c => c.Lines).Must(HaveDistinctSkus).When(c => c.Lines is not null)
            .WithMessage("Each SKU may appear on one line only.");
    }

    private static bool HaveDistinctSkus(IReadOnlyList<PlaceOrderLine> lines) =>
        lines.Where(l => l is not null).Select(l => l.Sku).Distinct(StringComparer.Ordinal).Count() == lines.Count(l => l is not null);
}

public sealed class PlaceOrderHandler(IOrderStore store, IRequestCaller caller, TimeProvider clock, IJobDispatcher jobs)
    : ICommandHandler<PlaceOrderCommand, OrderResponse>
{
    public async ValueTask<OrderResponse> Handle(PlaceOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var order = new Order(
            Id: Guid.CreateVersion7(),
            OwnerId: caller.RequiredId,
            CustomerEmail: command.CustomerEmail.Trim(),
            Lines: [.. command.Lines.Select(l => new OrderLine(l.Sku, l.Quantity))],
            Currency: command.Currency,
            Note: string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(),
            Status: OrderStatus.Placed,
            PlacedAt: clock.GetUtcNow());
        await store.AddAsync(order, cancellationToken);
        try
        {
            jobs.Enqueue(new SendOrderConfirmationCommand(order.Id));
        }
        catch
        {
            // An order nobody will confirm must not stay behind a failed request the client will retry.
            await store.RemoveAsync(order, CancellationToken.None);
            throw;
        }

        return OrderResponse.From(order);
    }
}
