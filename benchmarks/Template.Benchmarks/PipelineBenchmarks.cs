using BenchmarkDotNet.Attributes;
using Mediator;
using Template.Infrastructure;

namespace Template.Benchmarks;

/// <summary>
/// Item 1: a request sent through the service's pipeline (logging, normalization, authorization, validation with one
/// rule, caching) against a direct call of its handler. The services are the service's own registrations, resolved
/// from one scope as a request would. Two more rows split the difference: FluentValidation's own cost for the one
/// rule, and a request with no validator through the same pipeline (the mediator and the pipeline alone).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1515, CA1001 // BenchmarkDotNet needs a public, unsealed class; the scope is disposed in Cleanup.
public class PipelineBenchmarks
#pragma warning restore CA1515, CA1001
{
    private readonly EchoQuery query = new("world");
    private WebApplication app = null!;
    private AsyncServiceScope scope;
    private ISender sender = null!;
    private readonly PingQuery ping = new();
    private EchoQueryHandler handler = null!;
    private EchoQueryValidator validator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Staging", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["AuthorizationServer:Issuer"] = "http://127.0.0.1/";
        builder.AddServiceInfrastructure(typeof(PipelineBenchmarks).Assembly);
        builder.Services.AddBenchMediator();
        // Logging as in production, minus the console: the cost measured is the pipeline's, not the terminal's.
        builder.Logging.ClearProviders();
        app = builder.Build();
        scope = app.Services.CreateAsyncScope();
        sender = scope.ServiceProvider.GetRequiredService<ISender>();
        handler = new EchoQueryHandler();
        validator = new EchoQueryValidator();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await scope.DisposeAsync();
        await app.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Echo> DirectHandlerCall() => handler.Handle(query, CancellationToken.None);

    [Benchmark]
    public ValueTask<Echo> SendThroughPipeline() => sender.Send(query, CancellationToken.None);

    [Benchmark]
    public FluentValidation.Results.ValidationResult ValidatorAlone() => validator.Validate(new FluentValidation.ValidationContext<EchoQuery>(query));

    [Benchmark]
    public ValueTask<Echo> SendWithoutValidator() => sender.Send(ping, CancellationToken.None);
}
