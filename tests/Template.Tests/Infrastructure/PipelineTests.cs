using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Security;
using Template.Infrastructure.Validation;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The behaviors in the order Program.cs lists them, driven with test-only requests and composed the way the
/// generated mediator composes them.
/// </summary>
public sealed class PipelineTests
{
    [SkippableFact]
    public async Task The_service_runs_the_behaviors_in_the_order_Program_lists_them()
    {
        // The generator registers the list of Program.cs for each request type of the service.
        var byRequest = new Dictionary<Type, List<Type>>();
        await using var host = await ServiceFixture.StartAsync("Development", services: services =>
        {
            foreach (var registration in services.Where(d => d.ServiceType.IsConstructedGenericType
                && d.ServiceType.GetGenericTypeDefinition() == typeof(IPipelineBehavior<,>)))
            {
                var steps = byRequest.TryGetValue(registration.ServiceType, out var found) ? found : byRequest[registration.ServiceType] = [];
                steps.Add(registration.ImplementationType!.GetGenericTypeDefinition());
            }
        });
        Skip.If(byRequest.Count == 0, "This service has no request type (created with --sample false --auth none).");
        Assert.All(byRequest.Values, steps => Assert.Equal(ProbePipeline.Behaviors, steps));
    }

    [Fact]
    public void The_benchmarks_measure_the_behaviors_Program_lists_in_the_same_order()
    {
        // The generator needs each list written out where AddMediator is called, so the benchmark's is a copy.
        var program = RepositoryFiles.FindAbove("Program.cs");
        var bench = Path.Combine(
            Path.GetDirectoryName(program)!, "benchmarks", "Template.Benchmarks", "BenchMediator.cs");
        Assert.Equal(ProbePipeline.Behaviors.Select(b => b.Name), ListedBehaviors(program));
        Assert.Equal(ListedBehaviors(program), ListedBehaviors(bench));
    }

    private static List<string> ListedBehaviors(string file) =>
        [.. System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"typeof\((\w+Behavior)<,>\)")
            .Select(m => m.Groups[1].Value + "`2")];

    [Fact]
    public async Task An_anonymous_caller_is_refused_before_validation_runs()
    {
        var pipeline = new ProbePipeline(caller: null);
        await Assert.ThrowsAsync<UnauthenticatedException>(() => pipeline.SendAsync(new ProbeCommand("", Secret: false)));
        Assert.Equal(0, pipeline.Probe.ValidatorRuns);
        Assert.Equal(0, pipeline.Probe.HandlerRuns);
    }

    [Fact]
    public async Task A_caller_the_policy_refuses_gets_the_policy_reason()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => pipeline.SendAsync(new ProbeCommand("x", Secret: true)));
        Assert.Contains("auditor", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, pipeline.Probe.ValidatorRuns);
    }

    [Fact]
    public async Task A_caller_the_policy_accepts_reaches_the_handler()
    {
        var pipeline = new ProbePipeline(caller: "audra", roles: ["auditor"]);
        Assert.Equal("handled x", await pipeline.SendAsync(new ProbeCommand("x", Secret: true)));
    }

    [Fact]
    public async Task Every_validator_runs_and_failures_short_circuit_the_handler()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        var invalid = await Assert.ThrowsAsync<RequestValidationException>(() => pipeline.SendAsync(new ProbeCommand("", Secret: false)));
        Assert.Equal(2, pipeline.Probe.ValidatorRuns);
        Assert.Equal(0, pipeline.Probe.HandlerRuns);
        Assert.Equal(["'value' must not be empty.", "The value must not be blank."], invalid.Errors["value"]);
    }

    [Fact]
    public async Task A_valid_request_runs_the_handler_once()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        Assert.Equal("handled ok", await pipeline.SendAsync(new ProbeCommand("ok", Secret: false)));
        Assert.Equal(1, pipeline.Probe.HandlerRuns);
    }

    [Fact]
    public async Task A_request_without_authorization_attributes_runs_anonymously()
    {
        var pipeline = new ProbePipeline(caller: null);
        Assert.Equal("public", await pipeline.SendAsync<PublicProbeQuery, string>(new PublicProbeQuery(), (_, _) => ValueTask.FromResult("public")));
    }

    [Fact]
    public async Task Failures_still_propagate_through_the_logging_step_which_logs_the_outcome()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        await Assert.ThrowsAsync<ConflictException>(() => pipeline.SendAsync<PublicProbeQuery, string>(
            new PublicProbeQuery(), (_, _) => throw new ConflictException("busy")));
        var entry = Assert.Single(pipeline.Logs.Entries, e => e.EventId == 101);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.StartsWith("PublicProbeQuery failed in ", entry.Message, StringComparison.Ordinal);
        Assert.EndsWith(": ConflictException", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_logging_step_logs_each_handled_request_at_debug_with_its_name_and_duration()
    {
        var pipeline = new ProbePipeline(caller: "alice");
        await pipeline.SendAsync(new ProbeCommand("ok", Secret: false));
        var entry = Assert.Single(pipeline.Logs.Entries, e => e.EventId == 100);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Matches("^ProbeCommand handled in [0-9]+\\.[0-9] ms$", entry.Message);
    }

    [Fact]
    public async Task A_request_refused_before_validation_is_logged_as_failed()
    {
        var pipeline = new ProbePipeline(caller: null);
        await Assert.ThrowsAsync<UnauthenticatedException>(() => pipeline.SendAsync(new ProbeCommand("x", Secret: false)));
        Assert.Contains(pipeline.Logs.Entries, e => e.EventId == 101 && e.Message.EndsWith(": UnauthenticatedException", StringComparison.Ordinal));
    }
}

[Authorize(Policy = ProbePipeline.SecretPolicy)]
public sealed record ProbeCommand(string Value, bool Secret) : ICommand<string>;

public sealed record PublicProbeQuery : IQuery<string>;

public sealed class ProbeCounters
{
    private int validatorRuns;
    private int handlerRuns;

    public int ValidatorRuns => validatorRuns;

    public int HandlerRuns => handlerRuns;

    public void ValidatorRan() => Interlocked.Increment(ref validatorRuns);

    public void HandlerRan() => Interlocked.Increment(ref handlerRuns);
}

public sealed class ProbeValueRequired : AbstractValidator<ProbeCommand>
{
    public ProbeValueRequired(ProbeCounters counters)
    {
        RuleFor(c => c.Value).Must(_ => { counters.ValidatorRan(); return true; }).NotEmpty();
    }
}

public sealed class ProbeValueNotBlank : AbstractValidator<ProbeCommand>
{
    public ProbeValueNotBlank(ProbeCounters counters)
    {
        RuleFor(c => c.Value).Must(v => { counters.ValidatorRan(); return !string.IsNullOrWhiteSpace(v); })
            .WithMessage("The value must not be blank.");
    }
}

/// <summary>The service's pipeline registrations around a probe handler.</summary>
public sealed class ProbePipeline
{
    public const string SecretPolicy = "probe-secret";

    /// <summary>The list of Program.cs, which the first test holds the service to.</summary>
    public static readonly Type[] Behaviors =
    [
        typeof(LoggingBehavior<,>),
        typeof(NormalizationBehavior<,>),
        typeof(AuthorizationBehavior<,>),
        typeof(ValidationBehavior<,>),
        typeof(CachingBehavior<,>),
    ];

    private readonly ServiceProvider provider;

    public ProbePipeline(string? caller, string[]? roles = null)
    {
        // FluentValidation's conventions are process-wide and set by every host; this pipeline has no host, so it
        // sets them itself instead of depending on a host having started earlier in the run.
        Template.Infrastructure.Validation.ValidationSetup.UseServiceConventions();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<ProbeCounters>();
        services.AddAuthorizationCore(o => o.AddPolicy(SecretPolicy, p => p.AddRequirements(new SecretProbeRequirement())));
        services.AddSingleton<IAuthorizationHandler, SecretProbeRequirement>();
        CallerId = caller;
        services.AddSingleton<IRequestCaller>(new FixedCaller(() => CallerId, roles ?? []));
        foreach (var behavior in Behaviors)
        {
            services.AddScoped(typeof(IPipelineBehavior<,>), behavior);
        }

        services.AddValidators(typeof(ProbePipeline).Assembly);
        // The in-memory mode's cache, as the service registers it, with its settings' defaults.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddCaching(new ServiceBackends(null));
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public ProbeCounters Probe => provider.GetRequiredService<ProbeCounters>();

    /// <summary>Who the next request comes from.</summary>
    public string? CallerId { get; set; }

    public CapturingLoggerProvider Logs { get; } = new();

    public Task<string> SendAsync(ProbeCommand command) => SendAsync<ProbeCommand, string>(command, (c, _) =>
    {
        Probe.HandlerRan();
        return ValueTask.FromResult($"handled {c.Value}");
    });

    public async Task<TResponse> SendAsync<TMessage, TResponse>(TMessage message, MessageHandlerDelegate<TMessage, TResponse> handler)
        where TMessage : notnull, IMessage
    {
        using var scope = provider.CreateScope();
        var next = handler;
        foreach (var behavior in scope.ServiceProvider.GetServices<IPipelineBehavior<TMessage, TResponse>>().Reverse())
        {
            var inner = next;
            next = (m, ct) => behavior.Handle(m, inner, ct);
        }

        return await next(message, CancellationToken.None);
    }

    /// <summary>A resource-based rule: secret probes need the auditor role, with a reason when refused.</summary>
    private sealed class SecretProbeRequirement : AuthorizationHandler<SecretProbeRequirement, ProbeCommand>, IAuthorizationRequirement
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SecretProbeRequirement requirement, ProbeCommand resource)
        {
            if (!resource.Secret || context.User.IsInRole("auditor"))
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, "Secret probes are for auditors only."));
            }

            return Task.CompletedTask;
        }
    }

    private sealed class FixedCaller(Func<string?> id, string[] roles) : IRequestCaller
    {
        public ClaimsPrincipal Principal => id() is { } current
            ? new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim("sub", current), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test", "sub", ClaimTypes.Role))
            : new ClaimsPrincipal(new ClaimsIdentity());

        public string? Id => id();

        public string RequiredId => id() ?? throw new UnauthenticatedException();
    }
}
