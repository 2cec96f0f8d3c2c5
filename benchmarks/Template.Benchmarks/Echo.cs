using FluentValidation;
using Mediator;
using Template.Infrastructure.Areas;

namespace Template.Benchmarks;

/// <summary>
/// The measured use case, as a slice of the service would write it: a query with one validation rule, its handler,
/// and endpoints that send it through the mediator. It lives only here, never in the shipped service.
/// </summary>
public sealed record EchoQuery(string? Name) : IQuery<Echo>;

public sealed record Echo(string Message);

public sealed class EchoQueryValidator : AbstractValidator<EchoQuery>
{
    public EchoQueryValidator() => RuleFor(q => q.Name).NotEmpty();
}

/// <summary>The same answer with no validator: what the mediator and the pipeline cost without FluentValidation.</summary>
public sealed record PingQuery : IQuery<Echo>;

public sealed class PingQueryHandler : IQueryHandler<PingQuery, Echo>
{
    public ValueTask<Echo> Handle(PingQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Echo("Hello, " + "world"));
}

public sealed class EchoQueryHandler : IQueryHandler<EchoQuery, Echo>
{
    public ValueTask<Echo> Handle(EchoQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Echo("Hello " + query.Name));
}

public sealed class EchoEndpoints : IEndpoint
{
    public const string Anonymous = "/bench/echo";
    public const string Secure = "/bench/echo/secure";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Anonymous, async (string? name, ISender sender, CancellationToken cancellationToken) =>
            TypedResults.Ok(await sender.Send(new EchoQuery(name), cancellationToken)));
        app.MapGet(Secure, async (string? name, ISender sender, CancellationToken cancellationToken) =>
            TypedResults.Ok(await sender.Send(new EchoQuery(name), cancellationToken))).RequireAuthorization();
    }
}
