using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Template.Infrastructure.Validation;
using Template.Infrastructure.Areas;
using FluentValidation;
using Mediator;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Validation.Rules;

namespace Template.Tests.Support;

/// <summary>Test-only endpoints, so infrastructure tests need nothing from the sample area.</summary>
public sealed class ProbeEndpoints : IEndpoint
{
    public const string Echo = "/_probe/echo";
    public const string Throw = "/_probe/throw/{kind}";
    public const string Query = "/_probe/query";
    public const string Validate = "/_probe/validate";
    public const string Me = "/_probe/me";
    public const string Webhook = "/_probe/webhook";
    public const string Caller = "/_probe/caller";
    public const string Count = "/_probe/count";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Echo, (EchoRequest request) => TypedResults.Ok(request))
            .WithTags("Probe").WithName("ProbeEcho").WithSummary("Echo the request").AllowAnonymous();
        app.MapGet(Query, (int page) => TypedResults.Ok(page)).WithTags("Probe").ExcludeFromDescription();
        app.MapMethods(Me, [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete],
            ([Microsoft.AspNetCore.Mvc.FromServices] Template.Infrastructure.Security.IRequestCaller caller) => TypedResults.Ok(caller.Id)).RequireAuthorization().WithTags("Probe").ExcludeFromDescription();
        app.MapPost(Webhook, () => TypedResults.NoContent()).WithTags("Probe").ExcludeFromDescription();
        // A write to the backend on the request path, where an error the backend answers reaches the client.
        app.MapPost(Count, async ([FromServices] Template.Infrastructure.Caching.ICacheCounters counters, CancellationToken cancellationToken) =>
            TypedResults.Ok(await counters.IncrementAsync("probe", cancellationToken: cancellationToken)))
            .AllowAnonymous().WithTags("Probe").ExcludeFromDescription();
        // In the document as a protected operation, so its security schemes are there whatever areas exist.
        app.MapGet(Caller, ([FromServices] Template.Infrastructure.Security.IRequestCaller caller) => TypedResults.Ok(caller.Id))
            .RequireAuthorization().WithTags("Probe").WithName("ProbeCaller").WithSummary("Who the caller is");
        // The service's validation step around a test validator: the contract without the sample area.
        app.MapPost(Validate, async (SignupProbe request, CancellationToken cancellationToken) =>
        {
            await RequestValidation.ValidateAsync([new SignupProbeValidator()], request, cancellationToken);
            return TypedResults.Ok("valid");
        }).WithTags("Probe").ExcludeFromDescription();
        app.MapGet(Throw, IResult (string kind) => throw (kind switch
        {
            "unauthenticated" => new UnauthenticatedException(),
            "forbidden" => new ForbiddenException("Only auditors may read this."),
            "not-found" => NotFoundException.For("Probe", 42),
            "conflict" => new ConflictException("The probe is busy."),
            "cancelled" => new OperationCanceledException("A backend gave up."),
            "connection-reset" => new IOException(
                "The backend's connection was reset.",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)),
            "writer-completed" => WriteToCompletedPipe(),
            "validation" => new RequestValidationException(new Dictionary<string, string[]>
            {
                ["lines[0].quantity"] = ["Too many.", "Not a multiple of 5."],
                ["customerEmail"] = ["Not an email."],
            }),
            _ => new InvalidOperationException("Secret internal state: connection string here"),
        })).WithTags("Probe").ExcludeFromDescription();
    }

    // What StackExchange.Redis hands every command pending on a connection it tears down: the pipe's own error.
    private static InvalidOperationException WriteToCompletedPipe()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        pipe.Writer.Complete();
        try
        {
            pipe.Writer.GetMemory();
            return new InvalidOperationException("The pipe took a write after it was completed.");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}

public sealed record SignupProbe(string? Email, string? Currency, string? Website, string? Handle, IReadOnlyList<string>? Tags) : ICommand<string>;

public sealed class SignupProbeValidator : AbstractValidator<SignupProbe>
{
    public SignupProbeValidator()
    {
        RuleFor(s => s.Email).NotEmpty().StrictEmail();
        RuleFor(s => s.Currency).CurrencyCode();
        RuleFor(s => s.Website).Url();
        RuleFor(s => s.Handle).MaximumLength(8).AlphaDash();
        RuleFor(s => s.Tags).Distinct();
    }
}

public sealed record EchoRequest(string Name, int Count, IReadOnlyList<string>? Tags, ProbePriority? Priority = null);

public enum ProbePriority
{
    Low,
    High,
}
