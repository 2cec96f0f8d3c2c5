using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Every Orders operation asks an access token for the scope of what it does: <c>orders.read</c> for reads,
/// <c>orders.write</c> for changes. A token without it, or without any scope, is refused with 403 naming it.
/// </summary>
public sealed class OrderScopesTests : IAsyncLifetime
{
    private AccessTokens tokens = null!;
    private IAlbaHost host = null!;

    /// <summary>
    /// Each operation of the sample area and the scope it needs. Add an operation of your own here: the walk below
    /// then proves its scope too (a slice added with <c>dotnet new slice</c> asks for none until you give it a gate).
    /// </summary>
    public static TheoryData<string, string, string> Operations => new()
    {
        { "GET", "/api/orders", OrderGates.ReadScope },
        { "GET", "/api/orders/{id}", OrderGates.ReadScope },
        { "POST", "/api/orders", OrderGates.WriteScope },
        { "PUT", "/api/orders/{id}/note", OrderGates.WriteScope },
        { "POST", "/api/orders/{id}/cancel", OrderGates.WriteScope },
    };

    public async Task InitializeAsync()
    {
        tokens = await AccessTokens.StartAsync();
        host = await ServiceFixture.StartAsync("Production", tokens.Settings());
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await tokens.DisposeAsync();
    }

    [Fact]
    public void Every_walked_operation_is_mapped()
    {
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods
                .Select(method => $"{method} {e.RoutePattern.RawText!.Replace(":guid", "", StringComparison.Ordinal)}") ?? [])
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(Operations, o => Assert.Contains($"{o[0]} {o[1]}", mapped));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_token_without_the_operations_scope_is_refused_with_403_naming_it(string method, string route, string scope)
    {
        var other = scope == OrderGates.ReadScope ? OrderGates.WriteScope : OrderGates.ReadScope;
        foreach (var granted in new[] { other, "", null })
        {
            var token = await tokens.IssueAsync(host, "sam", granted);
            var result = await host.Scenario(s =>
            {
                Request(s, method, route);
                s.WithRequestHeader("Authorization", $"Bearer {token}");
                s.StatusCodeShouldBe(403);
            });
            var problem = await result.ReadProblemAsync(403);
            Assert.Equal($"The access token lacks the '{scope}' scope.", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_token_with_the_operations_scope_gets_past_the_gate(string method, string route, string scope)
    {
        var token = await tokens.IssueAsync(host, "sam", scope);
        var result = await host.Scenario(s =>
        {
            Request(s, method, route);
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.IgnoreStatusCode();
        });
        // An unknown order is 404: the gate let the request through to the handler.
        Assert.Contains(result.Context.Response.StatusCode, new[] { 200, 201, 404 });
    }

    private static void Request(Scenario scenario, string method, string route)
    {
        var url = route.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        switch (method, route)
        {
            case ("POST", "/api/orders"):
                scenario.Post.Json(OrdersApi.ValidOrder()).ToUrl(url);
                break;
            case ("PUT", _):
                scenario.Put.Json(new { note = "scoped" }).ToUrl(url);
                scenario.WithRequestHeader("If-Match", "\"1\"");
                break;
            case ("POST", _):
                scenario.Post.Url(url);
                break;
            default:
                scenario.Get.Url(url);
                break;
        }
    }
}
