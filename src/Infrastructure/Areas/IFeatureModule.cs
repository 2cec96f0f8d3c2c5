using System.Reflection;

namespace Template.Infrastructure.Areas;

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
    public static IServiceCollection AddFeatureModulesFrom(
        this IServiceCollection services, Assembly assembly, IConfiguration configuration)
    {
        TypeDiscovery.ForEachImplementation(
            assembly,
            typeof(IFeatureModule),
            typeof(FeatureModuleRegistration).GetMethod(
                nameof(AddFeatureModule), BindingFlags.Public | BindingFlags.Static)!,
            services,
            configuration);
        return services;
    }

    public static IServiceCollection AddFeatureModule<TModule>(
        this IServiceCollection services, IConfiguration configuration)
        where TModule : IFeatureModule
    {
        TModule.AddServices(services, configuration);
        return services;
    }
}
