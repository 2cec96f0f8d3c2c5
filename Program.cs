using Mediator;
using Template.Infrastructure;
using Template.Infrastructure.Pipeline;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceInfrastructure(typeof(Program).Assembly);

// The source generator registers every handler, and these behaviors, at compile time. Every request passes the
// behaviors in this order, outermost first; add your own (a transaction, an idempotency key) to the list.
builder.Services.AddMediator((MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.GenerateTypesAsInternal = true;
    options.PipelineBehaviors =
    [
        typeof(LoggingBehavior<,>),
        typeof(NormalizationBehavior<,>),
        typeof(AuthorizationBehavior<,>),
        typeof(ValidationBehavior<,>),
        typeof(CachingBehavior<,>),
    ];
});

var app = builder.Build();

// The request flow in five phases, outermost first: proxies, headers and language; problem+json for every
// failure; rate limits; authentication, CSRF and authorization; the endpoints (src/Infrastructure/ServiceSetup.cs).
app.UseServiceInfrastructure();

await app.RunAsync();

/// <summary>The entry point; public so integration tests can host the service.</summary>
public partial class Program;
