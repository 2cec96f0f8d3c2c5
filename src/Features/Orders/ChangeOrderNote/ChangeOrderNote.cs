using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Security;

namespace Template.Features.Orders.ChangeOrderNote;

/// <summary>
/// PUT /api/orders/{id}/note: replaces the note of one of the caller's orders. The request is one type
/// bound from three places: the order id from the route, the expected version from <c>If-Match</c>, the note
/// from the JSON body.
/// </summary>
public sealed class ChangeOrderNoteEndpoint : IEndpoint<OrdersRoutes>
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut(
            OrdersRoutes.Prefix + "/{id:guid}/note",
            async Task<Ok<OrderResponse>> (
                [AsParameters] ChangeOrderNoteCommand command, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(command, cancellationToken)))
            .WithName("ChangeOrderNote")
            .WithSummary("Change the note of one of your orders")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}

/// <summary>The whole request in one type: route, header and body.</summary>
[Authorize(Policy = OrderGates.Update)]
public sealed record ChangeOrderNoteCommand(
    [FromRoute(Name = "id")] Guid Id,
    [FromHeader(Name = "If-Match")] string? IfMatch,
    [FromBody] ChangeOrderNoteBody Body)
    : ICommand<OrderResponse>, INormalizable<ChangeOrderNoteCommand>, IInvalidatesCache
{
    public IReadOnlyCollection<string> InvalidatesCacheTags => [OrderCacheTags.Order(Id)];

    /// <summary>The version the client read, from an <c>If-Match</c> such as <c>"3"</c>.</summary>
    public int? ExpectedVersion => int.TryParse(IfMatch?.Trim('"', 'W', '/'), out var version) ? version : null;

    public ChangeOrderNoteCommand Normalize() => this with
    {
        IfMatch = IfMatch?.Trim(),
        Body = Body with { Note = string.IsNullOrWhiteSpace(Body?.Note) ? null : Body.Note.Trim() },
    };
}

public sealed record ChangeOrderNoteBody(string? Note);

public sealed class ChangeOrderNoteValidator : AbstractValidator<ChangeOrderNoteCommand>
{
    public ChangeOrderNoteValidator()
    {
        // Keys name what the client sent: the header by its name, body fields by their JSON path.
        RuleFor(c => c.IfMatch).NotEmpty().Matches("^(W/)?\"?[0-9]{1,9}\"?$")
            .OverridePropertyName("If-Match").WithName("If-Match");
        RuleFor(c => c.Body.Note).MaximumLength(500).OverridePropertyName("note");
    }
}

public sealed class ChangeOrderNoteHandler(
    IOrderStore store, IRequestCaller caller, IAuthorizationService authorization)
    : ICommandHandler<ChangeOrderNoteCommand, OrderResponse>
{
    public async ValueTask<OrderResponse> Handle(ChangeOrderNoteCommand command, CancellationToken cancellationToken)
    {
        var order = await store.GetAuthorizedAsync(
            authorization, caller, command.Id, OrderOperations.Update, cancellationToken);
        if (order.Version != command.ExpectedVersion)
        {
            throw new PreconditionFailedException(
                $"Order '{order.Id}' is at version {order.Version}, not {command.ExpectedVersion}; read it again.");
        }

        var changed = order with { Note = command.Body.Note, Version = order.Version + 1 };
        if (!await store.ReplaceAsync(order, changed, cancellationToken))
        {
            throw new PreconditionFailedException($"Order '{order.Id}' was changed by another request; read it again.");
        }

        return OrderResponse.From(changed);
    }
}
