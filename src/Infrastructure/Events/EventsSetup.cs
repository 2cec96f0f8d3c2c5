using System.Reflection;

namespace Template.Infrastructure.Events;

/// <summary>Events, their listeners, and the outbox that carries one to the other as queued jobs.</summary>
public static class EventsSetup
{
    public static IServiceCollection AddEvents(this IServiceCollection services, Assembly featuresAssembly)
    {
        services.AddSettings<OutboxOptions, OutboxValidator>(OutboxOptions.Section);
        var listeners = Listeners.Discover(featuresAssembly);
        services.AddSingleton(listeners);
        foreach (var listener in listeners.All.Select(l => l.ListenerType).Distinct())
        {
            services.AddScoped(listener);
        }

        services.AddSingleton<OutboxSignal>();
        services.AddScoped<IEvents, OutboxEvents>();
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
