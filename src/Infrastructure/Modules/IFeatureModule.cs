using System.Reflection;

namespace Template.Infrastructure.Modules;

/// <summary>
/// Services an area needs (stores, clients). Implementations in the service assembly are found at
/// start-up, so deleting an area's folder removes its registrations with it.
/// </summary>
public interface IFeatureModule
{
    static abstract void AddServices(IServiceCollection services, IConfiguration configuration);
}

public static class FeatureModuleRegistration
{
    public static IServiceCollection AddFeatureModulesFrom(this IServiceCollection services, Assembly assembly, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var add = typeof(FeatureModuleRegistration).GetMethod(nameof(AddFeatureModule), BindingFlags.Public | BindingFlags.Static)!;
        var modules = assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false } && typeof(IFeatureModule).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var module in modules)
        {
            add.MakeGenericMethod(module).Invoke(null, [services, configuration]);
        }

        return services;
    }

    public static IServiceCollection AddFeatureModule<TModule>(this IServiceCollection services, IConfiguration configuration)
        where TModule : IFeatureModule
    {
        TModule.AddServices(services, configuration);
        return services;
    }
}
