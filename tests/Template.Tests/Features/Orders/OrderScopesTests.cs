using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Token scopes narrow what the Orders gates allow; a token without scopes is judged by its user alone.</summary>
public sealed class OrderScopesTests : IAsyncLifetime
{
    private const string Audience = "orders-api";
    private FakeAuthority authority = null!;
    private IAlbaHost host = null!;

    public async Task InitializeAsync()
    {
        authority = await FakeAuthority.StartAsync();
        host = await ServiceFixture.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Auth:Authority"] = authority.Address,
            ["Auth:Audience"] = Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await authority.DisposeAsync();
    }

    [Theory]
    [InlineData("orders.read", 200, 403)]
    [InlineData("orders.write", 403, 201)]
    [InlineData("orders.read orders.write", 200, 201)]
    [InlineData(null, 200, 201)]
    public async Task Reading_and_placing_follow_the_tokens_scopes(string? scope, int listStatus, int placeStatus)
    {
        var token = authority.Issue("sam", Audience, scope: scope);
        await host.Scenario(s =>
        {
            s.Get.Url("/api/orders");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(listStatus);
        });
        var placed = await host.Scenario(s =>
        {
            s.Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(placeStatus);
        });
        if (placeStatus == 403)
        {
            var problem = await placed.ReadProblemAsync(403);
            Assert.Equal("The access token lacks the 'orders.write' scope.", problem.GetProperty("detail").GetString());
        }
    }
}
