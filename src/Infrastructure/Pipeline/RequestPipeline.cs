using FluentValidation;
using Mediator;

namespace Template.Infrastructure.Pipeline;

/// <summary>Registers the mediator pipeline behaviors in the order every request goes through them.</summary>
public static class RequestPipeline
{
    /// <summary>Outermost first: logging/tracing, normalization, authorization, validation, caching, then the handler.</summary>
    public static IReadOnlyList<Type> Behaviors { get; } =
    [
        typeof(LoggingBehavior<,>),
        typeof(NormalizationBehavior<,>),
        typeof(AuthorizationBehavior<,>),
        typeof(ValidationBehavior<,>),
        typeof(Caching.CachingBehavior<,>),
    ];

    public static IServiceCollection AddRequestPipeline(this IServiceCollection services, System.Reflection.Assembly validatorsAssembly)
    {
        foreach (var behavior in Behaviors)
        {
            services.AddScoped(typeof(IPipelineBehavior<,>), behavior);
        }

        services.AddValidatorsFromAssembly(validatorsAssembly, ServiceLifetime.Scoped, includeInternalTypes: true);
        return services;
    }
}
