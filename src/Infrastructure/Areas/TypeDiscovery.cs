using System.Reflection;

namespace Template.Infrastructure.Areas;

/// <summary>Finds the types that areas contribute, once at start-up.</summary>
public static class TypeDiscovery
{
    /// <summary>
    /// Calls <paramref name="genericMethod"/> closed over each concrete type in <paramref name="assembly"/>
    /// that implements <paramref name="contract"/>, in a stable order. The contracts have static abstract
    /// members, so a generic method is how their implementations are reached.
    /// </summary>
    public static void ForEachImplementation(
        Assembly assembly, Type contract, MethodInfo genericMethod, params object?[] arguments)
    {
        var implementations = assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                && contract.IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var implementation in implementations)
        {
            genericMethod.MakeGenericMethod(implementation).Invoke(null, arguments);
        }
    }
}
