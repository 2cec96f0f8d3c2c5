using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceRoot.Infrastructure.Areas;
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

public sealed class UseCaseNameValidator : AbstractValidator<UseCaseNameCommand>
{
    public UseCaseNameValidator()
    {
        RuleFor(c => c.Reference).NotEmpty().MaximumLength(64);
    }
}

public sealed class UseCaseNameHandler(IRequestCaller caller)
    : ICommandHandler<UseCaseNameCommand, UseCaseNameResponse>
{
    public ValueTask<UseCaseNameResponse> Handle(
        UseCaseNameCommand command, CancellationToken cancellationToken)
    {
        // The use case's work goes here: load, decide, store, enqueue.
        return ValueTask.FromResult(new UseCaseNameResponse(command.Reference, caller.RequiredId));
    }
}
