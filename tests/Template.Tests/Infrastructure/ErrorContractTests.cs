using System.Text.Json;
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
    public async Task A_value_of_the_wrong_type_is_a_validation_error_at_its_path_in_the_callers_language()
    {
        var problem = await PostEchoAsync("{\"name\": \"probe\", \"count\": \"many\"}", "count", "type");
        Assert.Equal("'count' must be a whole number from -2147483648 to 2147483647.", problem.GetProperty("errors").GetProperty("count")[0].GetString());
        Assert.Equal("One or more validation errors occurred.", problem.GetProperty("title").GetString());

        var german = await PostEchoAsync("{\"name\": 5, \"count\": 1}", "name", "type", language: "de");
        Assert.Equal("'name' muss eine Zeichenkette sein.", german.GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Theory]
    [InlineData("{\"name\": \"probe\", \"count\": 3000000000}", "count", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1.5}", "count", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"priority\": \"Urgent\"}", "priority", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"priority\": 7}", "priority", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": null}", "count", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"tags\": {}}", "tags", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"tags\": [\"a\", 2]}", "tags[1]", "type")]
    [InlineData("{\"name\": \"probe\", \"count\": 1, \"tags\": [\"a\", null]}", "tags[1]", "not_null")]
    [InlineData("{\"name\": null, \"count\": 1}", "name", "not_null")]
    [InlineData("{\"Name\": \"probe\", \"COUNT\": true}", "COUNT", "type")]
    [InlineData("[]", "$", "type")]
    public async Task Bad_values_are_validation_errors_at_the_path_the_client_sent_never_500(string body, string path, string code) =>
        await PostEchoAsync(body, path, code);

    [Fact]
    public async Task The_enum_values_a_member_accepts_are_named()
    {
        var problem = await PostEchoAsync("{\"name\": \"probe\", \"count\": 1, \"priority\": \"Urgent\"}", "priority", "type");
        Assert.Equal("'priority' must be one of: Low, High.", problem.GetProperty("errors").GetProperty("priority")[0].GetString());
    }

    private async Task<JsonElement> PostEchoAsync(string body, string path, string code, string? language = null)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(ProbeEndpoints.Echo);
            s.WithRequestHeader("Content-Type", "application/json");
            if (language is not null)
            {
                s.WithRequestHeader("Accept-Language", language);
            }

            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadSingleErrorAsync(path, code);
        Assert.DoesNotContain(nameof(EchoRequest), problem.GetRawText(), StringComparison.Ordinal);
        return problem;
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

    [Theory]
    [InlineData("?page=abc", "page", "type")]
    [InlineData("?PAGE=2147483648", "PAGE", "type")]
    [InlineData("", "page", "required")]
    public async Task A_query_value_that_does_not_bind_is_a_validation_error_named_as_the_client_spelled_it(string query, string name, string code)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Query + query);
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadSingleErrorAsync(name, code);
        Assert.DoesNotContain("body", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unauthenticated", 401, "Authentication is required")]
    [InlineData("forbidden", 403, "Only auditors may read this.")]
    [InlineData("not-found", 404, "Probe '42' was not found.")]
    [InlineData("conflict", 409, "The probe is busy.")]
    // Cancelled while the client still waits: a backend gave up (a Redis connection torn down in a failover).
    [InlineData("cancelled", 503, "A backend the service depends on is unreachable.")]
    // A backend's connection reset (how StackExchange.Redis passed one on during a Sentinel failover).
    [InlineData("connection-reset", 503, "A backend the service depends on is unreachable.")]
    // A command pending on a Redis connection torn down in a failover, rethrown by whichever caller came last.
    [InlineData("writer-completed", 503, "A backend the service depends on is unreachable.")]
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
    public async Task An_unexpected_exception_is_500_without_its_message_or_stack_even_in_development()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/_probe/throw/boom");
            s.StatusCodeShouldBe(500);
        });
        var text = (await result.ReadProblemAsync(500)).GetRawText();
        Assert.DoesNotContain("Secret internal state", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", text, StringComparison.Ordinal);
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
