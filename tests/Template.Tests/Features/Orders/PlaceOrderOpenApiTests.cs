using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Security;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>The Orders operations in the OpenAPI document: the validators' rules, statuses, scopes, as the service behaves.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class PlaceOrderOpenApiTests(ServiceFixture service)
{
    [Fact]
    public async Task The_place_order_request_shows_its_validation_rules()
    {
        using var document = await ReadDocumentAsync();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        var command = schemas.GetProperty("PlaceOrderCommand");
        Assert.Contains("customerEmail", Strings(command.GetProperty("required")));
        Assert.Contains("lines", Strings(command.GetProperty("required")));
        var email = command.GetProperty("properties").GetProperty("customerEmail");
        Assert.Equal(("email", 1, 254), (email.GetProperty("format").GetString(), email.GetProperty("minLength").GetInt32(), email.GetProperty("maxLength").GetInt32()));
        Assert.Equal("^[A-Z]{3}$", command.GetProperty("properties").GetProperty("currency").GetProperty("pattern").GetString());
        Assert.Equal(500, command.GetProperty("properties").GetProperty("note").GetProperty("maxLength").GetInt32());
        Assert.Equal(1, command.GetProperty("properties").GetProperty("lines").GetProperty("minItems").GetInt32());

        var line = schemas.GetProperty("PlaceOrderLine").GetProperty("properties");
        Assert.Equal("^[A-Z0-9-]{3,32}$", line.GetProperty("sku").GetProperty("pattern").GetString());
        Assert.Equal((1m, 1000m), (line.GetProperty("quantity").GetProperty("minimum").GetDecimal(), line.GetProperty("quantity").GetProperty("maximum").GetDecimal()));
    }

    [Fact]
    public async Task Query_parameters_show_their_rules_under_the_names_errors_use()
    {
        using var document = await ReadDocumentAsync();
        var parameters = Operation(document, "/api/orders", "get").GetProperty("parameters");
        Assert.Equal(["page", "pageSize"], parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var pageSize = parameters.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "pageSize").GetProperty("schema");
        Assert.Equal((1m, 100m), (pageSize.GetProperty("minimum").GetDecimal(), pageSize.GetProperty("maximum").GetDecimal()));
        Assert.Equal("integer", pageSize.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Members_are_required_as_the_server_requires_them()
    {
        using var document = await ReadDocumentAsync();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var command = schemas.GetProperty("PlaceOrderCommand");
        // The note may be left out; the lines are capped as the validator caps them.
        Assert.DoesNotContain("note", Strings(command.GetProperty("required")));
        Assert.Equal(50, command.GetProperty("properties").GetProperty("lines").GetProperty("maxItems").GetInt32());
        var body = schemas.GetProperty("ChangeOrderNoteBody");
        Assert.False(body.TryGetProperty("required", out _));
        Assert.Equal(500, body.GetProperty("properties").GetProperty("note").GetProperty("maxLength").GetInt32());

        var ifMatch = Operation(document, "/api/orders/{id}/note", "put").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "If-Match");
        Assert.True(ifMatch.GetProperty("required").GetBoolean());
        Assert.Equal("^(W/)?\"?[0-9]{1,9}\"?$", ifMatch.GetProperty("schema").GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task Numbers_are_integers_and_enums_strings()
    {
        using var document = await ReadDocumentAsync();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.Equal("integer", schemas.GetProperty("PlaceOrderLine").GetProperty("properties").GetProperty("quantity").GetProperty("type").GetString());
        Assert.Equal("integer", schemas.GetProperty("OrderResponse").GetProperty("properties").GetProperty("version").GetProperty("type").GetString());
        Assert.Equal("string", schemas.GetProperty("OrderStatus").GetProperty("type").GetString());
        Assert.Contains("Cancelled", Strings(schemas.GetProperty("OrderStatus").GetProperty("enum")));
    }

    [Theory]
    [InlineData("/api/orders", "post", "orders.write", "201 400 401 403 413 415 429")]
    [InlineData("/api/orders", "get", "orders.read", "200 400 401 403 429")]
    [InlineData("/api/orders/{id}", "get", "orders.read", "200 401 403 404 429")]
    [InlineData("/api/orders/{id}/note", "put", "orders.write", "200 400 401 403 404 412 413 415 429")]
    [InlineData("/api/orders/{id}/cancel", "post", "orders.write", "200 401 403 404 409 429")]
    public async Task Every_operation_lists_its_statuses_and_the_scope_it_needs(string path, string method, string scope, string statuses)
    {
        using var document = await ReadDocumentAsync();
        var operation = Operation(document, path, method);
        var responses = operation.GetProperty("responses");
        Assert.Equal(statuses.Split(' '), responses.EnumerateObject().Select(r => r.Name));
        foreach (var error in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
        {
            var schema = error.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
            Assert.Equal(error.Name == "400" ? "#/components/schemas/ValidationProblem" : "#/components/schemas/Problem", schema);
        }

        Assert.True(responses.GetProperty("401").GetProperty("headers").TryGetProperty("WWW-Authenticate", out _));
        Assert.True(responses.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        var requirements = operation.GetProperty("security").EnumerateArray().ToList();
        var tokens = requirements.Where(r => r.TryGetProperty("AccessToken", out _)).ToList();
        // A service created with --auth external accepts tokens once Auth:Authority is set; this host has none.
        var accepted = service.Host.Services.GetRequiredService<SecurityFeatures>().BearerTokens;
        Assert.Equal(accepted ? [[scope]] : [], tokens.Select(r => Strings(r.GetProperty("AccessToken"))));
    }

    [Fact]
    public async Task A_created_order_names_its_location()
    {
        using var document = await ReadDocumentAsync();
        var created = Operation(document, "/api/orders", "post").GetProperty("responses").GetProperty("201");
        Assert.True(created.GetProperty("headers").GetProperty("Location").GetProperty("required").GetBoolean());
    }

    private async Task<JsonDocument> ReadDocumentAsync()
    {
        var result = await service.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(200);
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync());
    }

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
