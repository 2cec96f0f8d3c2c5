using Mediator;
using Template.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceInfrastructure(typeof(Program).Assembly);

// The source generator registers every handler at compile time; the pipeline behaviors are
// registered, in order, by AddServiceInfrastructure (see RequestPipeline).
builder.Services.AddMediator((MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.GenerateTypesAsInternal = true;
});

var app = builder.Build();

app.UseServiceInfrastructure();

await app.RunAsync();

/// <summary>The entry point; public so integration tests can host the service.</summary>
public partial class Program;
