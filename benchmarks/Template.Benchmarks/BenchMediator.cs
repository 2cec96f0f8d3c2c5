using Mediator;
using Template.Infrastructure.Pipeline;

namespace Template.Benchmarks;

/// <summary>
/// The benchmark's mediator, generated for its own slices, with the behaviors of the service's Program.cs in the
/// same order, so the pipeline measured is the service's.
/// </summary>
internal static class BenchMediator
{
    public static IServiceCollection AddBenchMediator(this IServiceCollection services) =>
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors =
            [
                typeof(LoggingBehavior<,>),
                typeof(NormalizationBehavior<,>),
                typeof(AuthorizationBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(CachingBehavior<,>),
            ];
        });
}
