using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Template.Infrastructure.Endpoints;
using Template.Infrastructure.Errors;

namespace Template.Tests.Support;

/// <summary>Test-only endpoints, so infrastructure tests need nothing from the sample area.</summary>
public sealed class ProbeEndpoints : IEndpoint
{
    public const string Echo = "/_probe/echo";
    public const string Throw = "/_probe/throw/{kind}";
    public const string Query = "/_probe/query";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Echo, (EchoRequest request) => TypedResults.Ok(request)).WithTags("Probe");
        app.MapGet(Query, (int page) => TypedResults.Ok(page)).WithTags("Probe");
        app.MapGet(Throw, IResult (string kind) => throw (kind switch
        {
            "unauthenticated" => new UnauthenticatedException(),
            "forbidden" => new ForbiddenException("Only auditors may read this."),
            "not-found" => NotFoundException.For("Probe", 42),
            "conflict" => new ConflictException("The probe is busy."),
            "validation" => new RequestValidationException(new Dictionary<string, string[]>
            {
                ["lines[0].quantity"] = ["Too many.", "Not a multiple of 5."],
                ["customerEmail"] = ["Not an email."],
            }),
            _ => new InvalidOperationException("Secret internal state: connection string here"),
        })).WithTags("Probe");
    }
}

public sealed record EchoRequest(string Name, int Count, IReadOnlyList<string>? Tags);
