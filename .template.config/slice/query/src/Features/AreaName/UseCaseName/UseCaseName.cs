using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceRoot.Infrastructure.Areas;
using ServiceRoot.Infrastructure.Security;

namespace ServiceRoot.Features.AreaName.UseCaseName;

/// <summary>GET /api/areaname/use-case-name?reference=...</summary>
public sealed class UseCaseNameEndpoint : IEndpoint
{
    public const string Route = "/api/areaname/use-case-name";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(
            Route,
            async Task<Ok<UseCaseNameResponse>> (
                [AsParameters] UseCaseNameQuery query, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(query, cancellationToken)))
            .WithName("UseCaseName")
            .WithTags("AreaName")
            // The statuses the service's own steps answer (400, 401, 403, 429) are documented for you; declare here
            // only those the handler decides, e.g. .ProducesProblem(StatusCodes.Status404NotFound).
            .WithSummary("UseCaseName");
}

/// <summary>What the client asks for, from the query string. Authorization is declared here and checked before
/// validation.</summary>
[Authorize]
public sealed record UseCaseNameQuery(string Reference) : IQuery<UseCaseNameResponse>;

public sealed record UseCaseNameResponse(string Reference, string RequestedBy);

public sealed class UseCaseNameValidator : AbstractValidator<UseCaseNameQuery>
{
    public UseCaseNameValidator()
    {
        RuleFor(q => q.Reference).NotEmpty().MaximumLength(64);
    }
}

public sealed class UseCaseNameHandler(IRequestCaller caller)
    : IQueryHandler<UseCaseNameQuery, UseCaseNameResponse>
{
    public ValueTask<UseCaseNameResponse> Handle(UseCaseNameQuery query, CancellationToken cancellationToken)
    {
        // The read goes here: load what the caller may see, without tracking, and shape the answer.
        return ValueTask.FromResult(new UseCaseNameResponse(query.Reference, caller.RequiredId));
    }
}
