using System.ComponentModel.DataAnnotations;
using Template.Infrastructure.Modules;

namespace Template.Features.Orders;

/// <summary>Services of the Orders area.</summary>
public sealed class OrdersModule : IFeatureModule
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OrdersOptions>()
            .Bind(configuration.GetSection(OrdersOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IOrderStore, InMemoryOrderStore>();
    }
}

/// <summary>Settings of the Orders area (<c>Orders</c> section).</summary>
public sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>Largest <c>pageSize</c> a caller may ask ListOrders for.</summary>
    [Range(1, 1000, ErrorMessage = "Orders:MaxPageSize must be between 1 and 1000.")]
    public int MaxPageSize { get; set; } = 100;
}
