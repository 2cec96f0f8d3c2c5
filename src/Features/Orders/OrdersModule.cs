using System.ComponentModel.DataAnnotations;
using Hangfire;
using Microsoft.Extensions.Options;
using Template.Infrastructure;
using Template.Features.Orders.PurgeCancelledOrders;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Areas;
using Template.Infrastructure.OpenApi;
using Template.Infrastructure.Validation;

namespace Template.Features.Orders;

/// <summary>Services of the Orders area: its options, its store and its recurring job.</summary>
public sealed class OrdersModule : IFeatureModule
{
    public const string PurgeJobId = "orders-purge-cancelled";

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<OrdersOptions, OrdersValidator>(OrdersOptions.Section);
        services.AddScoped<IOrderStore, DatabaseOrderStore>();

        services.AddSingleton<IProductCatalog, ConfiguredProductCatalog>();
        services.AddOrderGates();
        services.DescribeApiTag(
            "Orders", "The caller's own orders: place one, list and read them, change a note, cancel.");
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, OrderPolicy>();
        services.AddRecurringJob(PurgeJobId, Cron.Hourly(), new PurgeCancelledOrdersCommand());
        services.AddValidationMessages(OrderMessages.Rules, OrderMessages.FieldNames);
    }
}

/// <summary>Settings of the Orders area (<c>Orders</c> section).</summary>
public sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>Largest <c>pageSize</c> a caller may ask ListOrders for.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>How long a cancelled order is kept before the hourly clean-up deletes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan PurgeCancelledAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a confirmation waits for another run on the same order before it gives up and is
    /// retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConfirmationLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The SKUs that can be ordered (a stand-in for a product service).</summary>
    public IList<string> Catalog { get; } = [];

    public IReadOnlyList<string> EffectiveCatalog =>
        Catalog.Count > 0 ? [.. Catalog] : [.. Enumerable.Range(1, 10).Select(n => $"SKU-{n:000}")];
}

[OptionsValidator]
internal sealed partial class OrdersValidator : IValidateOptions<OrdersOptions>;
