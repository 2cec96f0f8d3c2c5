using System.Reflection;
using Template.Infrastructure.Discovery;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Endpoints;

/// <summary>Finds <see cref="IEndpoint"/> types and maps them.</summary>
public static class EndpointRegistration
{
    /// <summary>Registers every concrete <see cref="IEndpoint"/> declared in <paramref name="assembly"/>.</summary>
    public static IServiceCollection AddEndpointsFrom(this IServiceCollection services, Assembly assembly)
    {
        TypeDiscovery.ForEachImplementation(
            assembly,
            typeof(IEndpoint),
            typeof(EndpointRegistration).GetMethod(nameof(AddEndpoint), BindingFlags.Public | BindingFlags.Static)!,
            services);
        return services;
    }

    /// <summary>Registers one endpoint type; tests use it to add endpoints of their own.</summary>
    public static IServiceCollection AddEndpoint<TEndpoint>(this IServiceCollection services)
        where TEndpoint : IEndpoint
    {
        services.AddSingleton(new EndpointMapping(typeof(TEndpoint), TEndpoint.Map));
        return services;
    }

    /// <summary>
    /// Maps every registered endpoint once, each with the check of its body for nulls its type does not allow
    /// (<see cref="RequiredValues"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapRegisteredEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("");
        endpoints.AddEndpointFilterFactory(RequiredValues.Filter);
        var mapped = new HashSet<Type>();
        foreach (var mapping in app.ServiceProvider.GetServices<EndpointMapping>())
        {
            if (mapped.Add(mapping.EndpointType))
            {
                mapping.Map(endpoints);
            }
        }

        return app;
    }
}

/// <summary>One discovered endpoint and the static method that maps it.</summary>
public sealed record EndpointMapping(Type EndpointType, Action<IEndpointRouteBuilder> Map);
