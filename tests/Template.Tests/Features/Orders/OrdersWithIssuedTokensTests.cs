using System.Net;
using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// The Orders area with tokens from the embedded authorization server, not the development header: users signed
/// in through the login page own what they place, and another user's token cannot reach it (BOLA).
/// </summary>
[Collection(SharedServiceHost.Name)]
public sealed class OrdersWithIssuedTokensTests(ServiceFixture service)
{
    private const string OrderScopes = OAuthFlow.UserScopes + " orders.read orders.write";

    [Fact]
    public async Task An_order_placed_with_a_users_token_is_theirs_and_another_users_token_cannot_see_or_change_it()
    {
        using var aliceFlow = OAuthFlow.For(service.Host);
        using var bobFlow = OAuthFlow.For(service.Host);
        var alice = (await aliceFlow.SignInAsync("alice", "alice-dev-password", OrderScopes)).GetProperty("access_token").GetString()!;
        var bob = (await bobFlow.SignInAsync("bob", "bob-dev-password", OrderScopes)).GetProperty("access_token").GetString()!;

        var placed = await service.Host.Scenario(s =>
        {
            s.Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Authorization", $"Bearer {alice}");
            s.StatusCodeShouldBe(201);
        });
        var order = (await placed.ReadAsJsonAsync<OrderResponse>())!;
        var stored = await service.Host.Services.OrderStore().FindAsync(order.Id, CancellationToken.None);
        Assert.Equal("alice", stored!.OwnerId);

        foreach (var (method, url) in new[] { (HttpMethod.Get, OrdersApi.OrderUrl(order.Id)), (HttpMethod.Post, $"{OrdersApi.OrderUrl(order.Id)}/cancel") })
        {
            var response = await bobFlow.SendAsync(method, url, bearer: bob);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var own = await aliceFlow.SendAsync(HttpMethod.Get, OrdersApi.OrderUrl(order.Id), bearer: alice);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task An_issued_token_reads_one_order_only_with_the_read_scope_and_changes_it_only_with_the_write_scope()
    {
        using var flow = OAuthFlow.For(service.Host);
        async Task<string> TokenAsync(string scope) =>
            (await flow.TokenAsync(OAuthFlow.ClientCredentials(scope))).Body.GetProperty("access_token").GetString()!;
        var (readOnly, writeOnly) = (await TokenAsync("orders.read"), await TokenAsync("orders.write"));
        var order = OrdersApi.OrderUrl(Guid.NewGuid());

        foreach (var (token, request, missing) in new (string, Action<Scenario>, string)[]
        {
            (writeOnly, s => s.Get.Url(order), "orders.read"),
            (readOnly, s => s.Post.Url($"{order}/cancel"), "orders.write"),
            (readOnly, s => { s.Put.Json(new { note = "x" }).ToUrl($"{order}/note"); s.WithRequestHeader("If-Match", "\"1\""); }, "orders.write"),
        })
        {
            var refused = await service.Host.Scenario(s =>
            {
                request(s);
                s.WithRequestHeader("Authorization", $"Bearer {token}");
                s.StatusCodeShouldBe(403);
            });
            Assert.Equal($"The access token lacks the '{missing}' scope.", (await refused.ReadProblemAsync(403)).GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_client_credentials_token_follows_the_scopes_it_was_granted()
    {
        using var flow = OAuthFlow.For(service.Host);
        var (_, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials("orders.read"));
        var readOnly = body.GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await flow.SendAsync(HttpMethod.Get, "/api/orders", bearer: readOnly)).StatusCode);
        var place = await service.Host.Scenario(s =>
        {
            s.Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Authorization", $"Bearer {readOnly}");
            s.StatusCodeShouldBe(403);
        });
        Assert.Contains("orders.write", (await place.ReadProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
