using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Areas;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

public sealed class EndpointDiscoveryTests
{
    [Fact]
    public void Every_endpoint_type_in_an_assembly_is_registered_once_and_mapped_once()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        builder.Services.AddEndpointsFrom(typeof(EndpointDiscoveryTests).Assembly);
        builder.Services.AddEndpoint<ProbeEndpoints>();
        using var app = builder.Build();

        app.MapRegisteredEndpoints();

        var routes = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.Single(routes, ProbeEndpoints.Echo);
        Assert.Single(routes, DiscoveredEndpoint.Route);
        Assert.DoesNotContain(routes, r => r == "/abstract");
    }

    [Fact]
    public void Endpoints_of_a_group_are_mapped_under_its_prefix_with_its_metadata()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        builder.Services.AddEndpointsFrom(typeof(EndpointDiscoveryTests).Assembly);
        using var app = builder.Build();

        app.MapRegisteredEndpoints();

        var grouped = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ProbeGroup.Prefix, StringComparison.Ordinal) == true)
            .ToList();
        Assert.Equal(["/_probe/group/first", "/_probe/group/second"], grouped.Select(e => e.RoutePattern.RawText).Order());
        Assert.All(grouped, e => Assert.Contains("Probe group", e.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().SelectMany(t => t.Tags)));
    }

    [Fact]
    public void Feature_modules_in_an_assembly_add_their_services()
    {
        var services = new ServiceCollection();
        services.AddFeatureModulesFrom(typeof(EndpointDiscoveryTests).Assembly, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Assert.Contains(services, d => d.ServiceType == typeof(DiscoveredModule.Marker));
    }
}

public sealed class DiscoveredEndpoint : IEndpoint
{
    public const string Route = "/_probe/discovered";

    public static void Map(IEndpointRouteBuilder app) => app.MapGet(Route, () => TypedResults.NoContent());
}

public sealed class ProbeGroup : IEndpointGroup
{
    public const string Prefix = "/_probe/group";

    public static RouteGroupBuilder Map(IEndpointRouteBuilder app) => app.MapGroup(Prefix).WithTags("Probe group");
}

public sealed class FirstGroupedEndpoint : IEndpoint<ProbeGroup>
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/first", () => TypedResults.NoContent());
}

public sealed class SecondGroupedEndpoint : IEndpoint<ProbeGroup>
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/second", () => TypedResults.NoContent());
}

public abstract class AbstractEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/abstract", () => TypedResults.NoContent());
}

public sealed class DiscoveredModule : IFeatureModule
{
    public static void AddServices(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        services.AddSingleton<Marker>();

    public sealed class Marker;
}
