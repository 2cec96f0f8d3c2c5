using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceRoot.Infrastructure.Areas;
using ServiceRoot.Infrastructure.Events;
using ServiceRoot.Infrastructure.Persistence;
using ServiceRoot.Infrastructure.Security;

namespace ServiceRoot.Features.AreaName.UseCaseName;

/// <summary>POST /api/areaname/use-case-name.</summary>
public sealed class UseCaseNameEndpoint : IEndpoint
{
    public const string Route = "/api/areaname/use-case-name";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(
            Route,
            async Task<Ok<UseCaseNameResponse>> (
                UseCaseNameCommand command, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(command, cancellationToken)))
            .WithName("UseCaseName")
            .WithTags("AreaName")
            // The statuses the service's own steps answer (400, 401, 403, 413, 415, 429) are documented for you;
            // declare here only those the handler decides, e.g. .ProducesProblem(StatusCodes.Status404NotFound).
            .WithSummary("UseCaseName");
}

/// <summary>What the client sends. Authorization is declared here and checked before validation.</summary>
[Authorize]
public sealed record UseCaseNameCommand(string Reference) : ICommand<UseCaseNameResponse>;

public sealed record UseCaseNameResponse(string Reference, string RequestedBy);

/// <summary>What happened, for the work that follows; raised by the handler, committed with its changes.</summary>
public sealed record UseCaseNameRequested(string Reference, string RequestedBy) : IEvent;

public sealed class UseCaseNameValidator : AbstractValidator<UseCaseNameCommand>
{
    public UseCaseNameValidator()
    {
        RuleFor(c => c.Reference).NotEmpty().MaximumLength(64);
    }
}

public sealed class UseCaseNameHandler(ServiceDb db, IEvents events, IRequestCaller caller)
    : ICommandHandler<UseCaseNameCommand, UseCaseNameResponse>
{
    public async ValueTask<UseCaseNameResponse> Handle(
        UseCaseNameCommand command, CancellationToken cancellationToken)
    {
        // Load and change the area's entities through db.Set<T>() here (docs/persistence.md). One save commits the
        // changes and the outbox rows of the events raised, or neither.
        events.Raise(new UseCaseNameRequested(command.Reference, caller.RequiredId));
        await db.SaveChangesAsync(cancellationToken);
        return new UseCaseNameResponse(command.Reference, caller.RequiredId);
    }
}

/// <summary>The work that follows the use case, as a queued job once its changes are committed; it may run again
/// after a failure, so it must be idempotent.</summary>
public sealed partial class UseCaseNameListener(ILogger<UseCaseNameListener> logger)
    : IListener<UseCaseNameRequested>
{
    public ValueTask HandleAsync(UseCaseNameRequested raised, CancellationToken cancellationToken)
    {
        LogRequested(logger, raised.Reference, raised.RequestedBy);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "UseCaseName {Reference} requested by {RequestedBy}")]
    private static partial void LogRequested(ILogger logger, string reference, string requestedBy);
}
