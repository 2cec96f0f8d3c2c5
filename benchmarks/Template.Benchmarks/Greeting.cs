using FluentValidation;
using Mediator;
using Template.Infrastructure.Areas;

namespace Template.Benchmarks;

/// <summary>
/// The measured use case, as a slice of the service would write it: a query with one validation rule, its handler,
/// and endpoints that send it through the mediator. It lives only here, never in the shipped service.
/// </summary>
public sealed record GreetQuery(string? Name) : IQuery<Greeting>;

public sealed record Greeting(string Message);

public sealed class GreetQueryValidator : AbstractValidator<GreetQuery>
{
    public GreetQueryValidator() => RuleFor(q => q.Name).NotEmpty();
}

/// <summary>The same answer with no validator: what the mediator and the pipeline cost without FluentValidation.</summary>
public sealed record PingQuery : IQuery<Greeting>;

public sealed class PingQueryHandler : IQueryHandler<PingQuery, Greeting>
{
    public ValueTask<Greeting> Handle(PingQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Greeting("Hello, " + "world"));
}

public sealed class GreetQueryHandler : IQueryHandler<GreetQuery, Greeting>
{
    public ValueTask<Greeting> Handle(GreetQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Greeting("Hello, " + query.Name));
}

public sealed class GreetingEndpoints : IEndpoint
{
    public const string Anonymous = "/bench/greeting";
    public const string Secure = "/bench/greeting/secure";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Anonymous, async (string? name, ISender sender, CancellationToken cancellationToken) =>
            TypedResults.Ok(await sender.Send(new GreetQuery(name), cancellationToken)));
        app.MapGet(Secure, async (string? name, ISender sender, CancellationToken cancellationToken) =>
            TypedResults.Ok(await sender.Send(new GreetQuery(name), cancellationToken))).RequireAuthorization();
    }
}
