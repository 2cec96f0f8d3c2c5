using Microsoft.Extensions.Options;

namespace Template.Features.Orders;

/// <summary>Which SKUs can be ordered. A stand-in for a product service: the list comes from
/// <c>Orders:Catalog</c>.</summary>
public interface IProductCatalog
{
    ValueTask<bool> ExistsAsync(string sku, CancellationToken cancellationToken);
}

public sealed class ConfiguredProductCatalog(IOptions<OrdersOptions> options) : IProductCatalog
{
    private readonly HashSet<string> skus = new(options.Value.EffectiveCatalog, StringComparer.Ordinal);

    public ValueTask<bool> ExistsAsync(string sku, CancellationToken cancellationToken) =>
        ValueTask.FromResult(skus.Contains(sku));
}
