using System.Reflection;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Areas;

/// <summary>Finds <see cref="IEndpoint"/> types and maps them, each in its area's group.</summary>
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
        var group = typeof(TEndpoint).GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEndpoint<>))
            ?.GetGenericArguments()[0];
        var mapGroup = group is null
            ? null
            : (Func<IEndpointRouteBuilder, RouteGroupBuilder>)typeof(EndpointRegistration)
                .GetMethod(nameof(GroupMap), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(group).Invoke(null, null)!;
        services.AddSingleton(new EndpointMapping(typeof(TEndpoint), group, mapGroup, TEndpoint.Map));
        return services;
    }

    /// <summary>
    /// Maps every registered endpoint once, in its area's group if it has one, each with the check of its body for
    /// nulls its type does not allow (<see cref="RequiredValues"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapRegisteredEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("");
        endpoints.AddEndpointFilterFactory(RequiredValues.Filter);
        var groups = new Dictionary<Type, RouteGroupBuilder>();
        var mapped = new HashSet<Type>();
        foreach (var mapping in app.ServiceProvider.GetServices<EndpointMapping>())
        {
            if (!mapped.Add(mapping.EndpointType))
            {
                continue;
            }

            if (mapping.Group is null)
            {
                mapping.Map(endpoints);
                continue;
            }

            if (!groups.TryGetValue(mapping.Group, out var group))
            {
                groups[mapping.Group] = group = mapping.MapGroup!(endpoints);
            }

            mapping.Map(group);
        }

        return app;
    }

    private static Func<IEndpointRouteBuilder, RouteGroupBuilder> GroupMap<TGroup>()
        where TGroup : IEndpointGroup => TGroup.Map;
}

/// <summary>One discovered endpoint, the group it belongs in, and the static methods that map them.</summary>
public sealed record EndpointMapping(
    Type EndpointType,
    Type? Group,
    Func<IEndpointRouteBuilder, RouteGroupBuilder>? MapGroup,
    Action<IEndpointRouteBuilder> Map);
