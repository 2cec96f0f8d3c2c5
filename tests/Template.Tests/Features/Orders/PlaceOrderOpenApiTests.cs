using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>The validators' rules are visible in the OpenAPI document.</summary>
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
    public async Task Query_parameters_show_their_rules_too()
    {
        using var document = await ReadDocumentAsync();
        var parameters = document.RootElement.GetProperty("paths").GetProperty("/api/orders").GetProperty("get").GetProperty("parameters");
        var pageSize = parameters.EnumerateArray().Single(p => string.Equals(p.GetProperty("name").GetString(), "PageSize", StringComparison.OrdinalIgnoreCase)).GetProperty("schema");
        Assert.Equal((1m, 100m), (pageSize.GetProperty("minimum").GetDecimal(), pageSize.GetProperty("maximum").GetDecimal()));
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

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
