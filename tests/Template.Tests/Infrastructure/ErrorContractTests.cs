using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>Every error is application/problem+json with the right status, never an empty body or a 500.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class ErrorContractTests(ServiceFixture service, ProductionServiceFixture production)
{
    private readonly IAlbaHost host = service.Host;

    [Fact]
    public async Task Well_formed_json_reaches_the_endpoint()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new EchoRequest("probe", 3, ["a"])).ToUrl(ProbeEndpoints.Echo);
            s.StatusCodeShouldBe(200);
        });
        var echoed = await result.ReadAsJsonAsync<EchoRequest>();
        Assert.Equal("probe", echoed!.Name);
        Assert.Equal(3, echoed.Count);
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_position()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text("{\"name\": \"probe\", \"count\": ").ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("not valid JSON", detail, StringComparison.Ordinal);
        Assert.Contains("Path: $.count", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_400_naming_the_path()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text("{\"name\": \"probe\", \"count\": \"many\"}").ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Contains("$.count", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\": \"probe\", \"count\": 3000000000}", "$.count")]
    [InlineData("{\"name\": \"probe\", \"count\": 1.5}", "$.count")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"priority\": \"Urgent\"}", "$.priority")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"priority\": 7}", "$.priority")]
    [InlineData("{\"name\": \"probe\", \"count\": null}", "$.count")]
    [InlineData("{\"name\": null, \"count\": 1}", "name")]
    public async Task Bad_values_are_400_naming_the_field_never_500(string body, string field)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_400()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var result = await host.Scenario(s =>
        {
            s.Post.Text($"{{\"name\": \"probe\", \"count\": 1, \"extra\": {deep}}}").ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Contains("depth", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        var shallow = new string('[', 20) + new string(']', 20);
        await host.Scenario(s =>
        {
            s.Post.Text($"{{\"name\": \"probe\", \"count\": 1, \"extra\": {shallow}}}").ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task An_empty_body_is_400_saying_a_body_is_required()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Url(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Content-Length", "0");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Contains("body is empty", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text("name=probe").ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "text/plain");
            s.StatusCodeShouldBe(415);
        });
        var problem = await result.ReadProblemAsync(415);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_before_it_is_read()
    {
        var oversized = new string('x', (1 << 20) + 1);
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new EchoRequest(oversized, 1, null)).ToUrl(ProbeEndpoints.Echo);
            s.StatusCodeShouldBe(413);
        });
        var problem = await result.ReadProblemAsync(413);
        Assert.Contains("limit is 1048576 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_route_is_404()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/no/such/route");
            s.StatusCodeShouldBe(404);
        });
        var problem = await result.ReadProblemAsync(404);
        Assert.Contains("/no/such/route", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_is_405()
    {
        var result = await host.Scenario(s =>
        {
            s.Delete.Url(ProbeEndpoints.Echo);
            s.StatusCodeShouldBe(405);
        });
        await result.ReadProblemAsync(405);
    }

    [Fact]
    public async Task A_query_value_that_does_not_bind_is_400()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Query + "?page=abc");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Contains("abc", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unauthenticated", 401, "Authentication is required")]
    [InlineData("forbidden", 403, "Only auditors may read this.")]
    [InlineData("not-found", 404, "Probe '42' was not found.")]
    [InlineData("conflict", 409, "The probe is busy.")]
    public async Task Request_exceptions_map_to_their_status(string kind, int status, string detail)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"/_probe/throw/{kind}");
            s.StatusCodeShouldBe(status);
        });
        var problem = await result.ReadProblemAsync(status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_failures_are_a_validation_problem_with_a_summary()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/_probe/throw/validation");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        var errors = problem.GetProperty("errors");
        Assert.Equal(2, errors.GetProperty("lines[0].quantity").GetArrayLength());
        Assert.Equal("Not an email.", errors.GetProperty("customerEmail")[0].GetString());
        Assert.Equal("Too many. (and 2 more errors)", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unexpected_exception_is_500_with_details_only_in_development()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/_probe/throw/boom");
            s.StatusCodeShouldBe(500);
        });
        Assert.Contains("Secret internal state", await result.ReadAsTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_outside_development_is_500_without_details()
    {
        var result = await production.Host.Scenario(s =>
        {
            s.Get.Url("/_probe/throw/boom");
            s.StatusCodeShouldBe(500);
        });
        var problem = await result.ReadProblemAsync(500);
        var text = problem.GetRawText();
        Assert.DoesNotContain("Secret internal state", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
    }
}
