using System.Reflection;
using System.Text.Json;

namespace Template.Infrastructure.Events;

/// <summary>One listener of one event: the name its outbox rows carry, and how its job calls it.</summary>
public sealed record ListenerRegistration(
    string Name, Type ListenerType, Type EventType, Func<object, string, CancellationToken, ValueTask> Invoke);

/// <summary>Every <see cref="IListener{TEvent}"/> of the service, found once at start-up.</summary>
public sealed class Listeners
{
    private static readonly MethodInfo InvokeMethod =
        typeof(Listeners).GetMethod(nameof(InvokeAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Dictionary<string, ListenerRegistration> byName;
    private readonly Dictionary<Type, ListenerRegistration[]> byEvent;

    private Listeners(IReadOnlyList<ListenerRegistration> all)
    {
        byName = all.ToDictionary(l => l.Name, StringComparer.Ordinal);
        byEvent = all.GroupBy(l => l.EventType).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public IReadOnlyList<ListenerRegistration> All => [.. byName.Values];

    public IReadOnlyList<ListenerRegistration> For(Type eventType) =>
        byEvent.TryGetValue(eventType, out var listeners) ? listeners : [];

    public ListenerRegistration? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>The listeners in <paramref name="assembly"/>; a class may listen to several events.</summary>
    public static Listeners Discover(Assembly assembly)
    {
        var found =
            from type in assembly.GetTypes()
            where type is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
            from contract in type.GetInterfaces()
            where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IListener<>)
            let raised = contract.GetGenericArguments()[0]
            orderby type.FullName, raised.FullName
            select new ListenerRegistration(
                $"{type.FullName}:{raised.Name}",
                type,
                raised,
                InvokeMethod.MakeGenericMethod(raised)
                    .CreateDelegate<Func<object, string, CancellationToken, ValueTask>>());
        return new Listeners([.. found]);
    }

    private static async ValueTask InvokeAsync<TEvent>(object listener, string payload, CancellationToken token)
        where TEvent : IEvent
    {
        var raised = JsonSerializer.Deserialize<TEvent>(payload, JsonSerializerOptions.Web)
            ?? throw new JsonException($"An outbox row of {typeof(TEvent).Name} holds no event.");
        await ((IListener<TEvent>)listener).HandleAsync(raised, token);
    }
}
