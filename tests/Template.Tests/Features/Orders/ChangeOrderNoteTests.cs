using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>A request bound from route, header and body; runs in both modes.</summary>
public abstract class ChangeOrderNoteTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task The_note_changes_when_the_version_matches_and_the_change_is_visible_at_once()
    {
        var order = await Host.PlaceConfirmedAsync("nina");
        var before = await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "nina");

        var changed = await ChangeAsync("nina", order.Id, $"\"{before.Version}\"", "{\"note\":\"  Ring twice  \"}", 200);
        var response = (await changed.ReadAsJsonAsync<OrderResponse>())!;
        Assert.Equal(("Ring twice", before.Version + 1), (response.Note, response.Version));
        Assert.Equal("Ring twice", (await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "nina")).Note);
    }

    [SkippableFact]
    public async Task A_stale_version_is_412_and_changes_nothing()
    {
        var order = await Host.PlaceConfirmedAsync("nina");
        var problem = await (await ChangeAsync("nina", order.Id, "\"1\"", "{\"note\":\"late\"}", 412)).ReadProblemAsync(412);
        Assert.Contains($"version {order.Version}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEqual("late", (await Host.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(order.Id), "nina")).Note);
    }

    [SkippableFact]
    public async Task Header_and_body_failures_are_keyed_by_what_the_client_sent()
    {
        var order = await Host.PlaceAsync("nina");
        var problem = await (await ChangeAsync("nina", order.Id, ifMatch: null, $"{{\"note\":\"{new string('n', 501)}\"}}", 400)).ReadProblemAsync(400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("If-Match", out _));
        Assert.True(errors.TryGetProperty("note", out _));
    }

    [SkippableFact]
    public async Task Another_callers_order_is_404()
    {
        var order = await Host.PlaceAsync("nina");
        await (await ChangeAsync("oscar", order.Id, "\"1\"", "{\"note\":\"mine now\"}", 404)).ReadProblemAsync(404);
    }

    private Task<IScenarioResult> ChangeAsync(string user, Guid id, string? ifMatch, string body, int status) => Host.Scenario(s =>
    {
        s.Put.Text(body).ToUrl($"{OrdersApi.OrderUrl(id)}/note");
        s.WithRequestHeader("Content-Type", "application/json");
        if (ifMatch is not null)
        {
            s.WithRequestHeader("If-Match", ifMatch);
        }

        s.As(user);
        s.StatusCodeShouldBe(status);
    });
}

[Collection(SharedServiceHost.Name)]
public sealed class ChangeOrderNoteTestsInMemory(ServiceFixture service) : ChangeOrderNoteTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class ChangeOrderNoteTestsOnRedis(RedisServiceFixture service) : ChangeOrderNoteTests(service);
