using ServiceRoot.Features.AreaName.UseCaseName;
using ServiceRoot.Tests.Support;

namespace ServiceRoot.Tests.Features.AreaName;

[Collection(SharedServiceHost.Name)]
public sealed class UseCaseNameTests(ServiceFixture service)
{
    private readonly IAlbaHost host = service.Host;

    [Fact]
    public async Task A_valid_request_is_answered_for_the_caller()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"{UseCaseNameEndpoint.Route}?reference=REF-1");
            s.As("alice");
            s.StatusCodeShouldBe(200);
        });
        var response = await result.ReadAsJsonAsync<UseCaseNameResponse>();
        Assert.Equal(new UseCaseNameResponse("REF-1", "alice"), response);
    }

    [Fact]
    public async Task An_invalid_request_is_400_keyed_by_field()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"{UseCaseNameEndpoint.Route}?reference={new string('x', 65)}");
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reference", out _));
    }

    [Fact]
    public async Task An_anonymous_caller_is_401()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"{UseCaseNameEndpoint.Route}?reference=REF-1");
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
    }
}
