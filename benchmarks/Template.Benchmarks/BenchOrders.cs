using FluentValidation;
using Mediator;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Areas;

namespace Template.Benchmarks;

/// <summary>
/// Item 3 over HTTP: an order read the way the sample's GetOrder reads one (a validated query, cached), shared across
/// callers so the endpoint can be anonymous and the measurement is the cache's, not a token's. Benchmark-only.
/// </summary>
public sealed record GetBenchOrderQuery(Guid Id) : IQuery<BenchOrder>, ICachedQuery
{
    public string CacheKey => $"bench-orders:{Id}";

    public IReadOnlyCollection<string> CacheTags => [];

    public bool SharedAcrossCallers => true;
}

public sealed record BenchOrder(Guid Id, string CustomerEmail, IReadOnlyList<BenchOrderLine> Lines, string Currency, string Status, DateTimeOffset PlacedAt);

public sealed record BenchOrderLine(string Sku, int Quantity);

public sealed class GetBenchOrderValidator : AbstractValidator<GetBenchOrderQuery>
{
    public GetBenchOrderValidator() => RuleFor(q => q.Id).NotEmpty();
}

public sealed class GetBenchOrderHandler : IQueryHandler<GetBenchOrderQuery, BenchOrder>
{
    public ValueTask<BenchOrder> Handle(GetBenchOrderQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BenchOrders.Find(query.Id) ?? throw Template.Infrastructure.Errors.NotFoundException.For("Order", query.Id));
}

/// <summary>The one order both hosts serve.</summary>
public static class BenchOrders
{
    public const string Route = "/bench/orders/{id:guid}";

    public static BenchOrder Sample { get; } = new(
        Guid.Parse("0193a1b2-0000-7000-8000-000000000001"), "alice@example.com",
        [new BenchOrderLine("SKU-1", 2), new BenchOrderLine("SKU-2", 1)], "EUR", "Confirmed", DateTimeOffset.Parse("2026-11-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public static string Url => $"/bench/orders/{Sample.Id}";

    public static BenchOrder? Find(Guid id) => id == Sample.Id ? Sample : null;
}

public sealed class BenchOrderEndpoints : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(BenchOrders.Route, async (Guid id, ISender sender, CancellationToken cancellationToken) =>
            TypedResults.Ok(await sender.Send(new GetBenchOrderQuery(id), cancellationToken)));
}
