using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// Every operation whose OpenAPI document lists token scopes is walked with a token lacking them: each answers 403
/// naming the scope. The walk reads the document, so a new slice's operations are walked without a line added here.
/// </summary>
public sealed class OperationScopesTests : IAsyncLifetime
{
    private AccessTokens tokens = null!;
    private IAlbaHost host = null!;

    public async Task InitializeAsync()
    {
        tokens = await AccessTokens.StartAsync();
        host = await ServiceFixture.StartAsync("Development", tokens.Settings());
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await tokens.DisposeAsync();
    }

    [Fact]
    public async Task Every_operation_that_lists_scopes_refuses_a_token_without_them()
    {
        var result = await host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        using var document = JsonDocument.Parse(await result.ReadAsTextAsync());
        var walked = new List<string>();
        var token = await tokens.IssueAsync(host, "sam", scope: null);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var scopes = Scopes(operation.Value);
                if (scopes.Count == 0)
                {
                    continue;
                }

                var label = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                walked.Add(label);
                var answer = await host.Scenario(s =>
                {
                    Request(s, document.RootElement, operation.Name, path.Name, operation.Value);
                    s.WithRequestHeader("Authorization", $"Bearer {token}");
                    s.IgnoreStatusCode();
                });
                var status = answer.Context.Response.StatusCode;
                Assert.True(status == 403, $"{label}: {status}");
                var detail = (await answer.ReadProblemAsync(403)).GetProperty("detail").GetString();
                Assert.Contains(scopes, scope => detail == $"The access token lacks the '{scope}' scope.");
            }
        }

        // The sample area's five operations at least, where the sample is part of the service.
        Assert.True(walked.Count >= (HasOrders ? 5 : 0), string.Join(", ", walked));
    }

    private static bool HasOrders =>
        typeof(OperationScopesTests).Assembly.GetTypes()
            .Any(t => t.Namespace?.EndsWith(".Features.Orders", StringComparison.Ordinal) == true);

    private static List<string> Scopes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? [.. security.EnumerateArray()
                .SelectMany(requirement => requirement.EnumerateObject())
                .Where(scheme => scheme.Name == "AccessToken")
                .SelectMany(scheme => scheme.Value.EnumerateArray().Select(s => s.GetString()!))]
            : [];

    // A request the binder accepts: path and query values of their type, and a body with every required member,
    // so what answers is the gate (authorization runs before validation), not the binder.
    private static void Request(
        Scenario scenario, JsonElement document, string method, string route, JsonElement operation)
    {
        var url = route;
        var query = new List<string>();
        var parameters = operation.TryGetProperty("parameters", out var listed)
            ? [.. listed.EnumerateArray()]
            : new List<JsonElement>();
        foreach (var parameter in parameters)
        {
            var name = parameter.GetProperty("name").GetString()!;
            var value = Sample(document, parameter.GetProperty("schema"))?.ToString() ?? "x";
            switch (parameter.GetProperty("in").GetString())
            {
                case "path":
                    url = url.Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                    break;
                case "query":
                    query.Add($"{name}={Uri.EscapeDataString(value)}");
                    break;
                case "header":
                    scenario.WithRequestHeader(name, value);
                    break;
            }
        }

        url += query.Count > 0 ? "?" + string.Join('&', query) : "";
        var body = operation.TryGetProperty("requestBody", out var requestBody)
            ? Sample(document, requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            : null;
        switch (method)
        {
            case "get":
                scenario.Get.Url(url);
                break;
            case "delete":
                scenario.Delete.Url(url);
                break;
            default:
                var http = method switch { "post" => scenario.Post, "put" => scenario.Put, _ => scenario.Patch };
                if (body is null)
                {
                    http.Url(url);
                }
                else
                {
                    http.Text(body.ToJsonString()).ToUrl(url);
                    scenario.WithRequestHeader("Content-Type", "application/json");
                }

                break;
        }
    }

    private static JsonNode? Sample(JsonElement document, JsonElement schema, int depth = 0)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            var schemas = document.GetProperty("components").GetProperty("schemas");
            return Sample(document, schemas.GetProperty(name), depth + 1);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return JsonNode.Parse(values.EnumerateArray().First(v => v.ValueKind != JsonValueKind.Null).GetRawText());
        }

        if (schema.TryGetProperty("oneOf", out var choices))
        {
            return Sample(document, choices.EnumerateArray().First(c => !IsNull(c)), depth + 1);
        }

        var type = schema.TryGetProperty("type", out var declared)
            ? declared.ValueKind == JsonValueKind.Array
                ? declared.EnumerateArray().Select(t => t.GetString()).First(t => t != "null")
                : declared.GetString()
            : "object";
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return type switch
        {
            "integer" or "number" => schema.TryGetProperty("minimum", out var minimum)
                ? JsonValue.Create(decimal.Parse(minimum.GetRawText(), CultureInfo.InvariantCulture))
                : JsonValue.Create(1),
            "boolean" => JsonValue.Create(true),
            "string" => JsonValue.Create(format switch
            {
                "uuid" => Guid.NewGuid().ToString(),
                "date-time" => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                "email" => "someone@example.com",
                _ => "x",
            }),
            "array" when depth < 8 => new JsonArray(Sample(document, schema.GetProperty("items"), depth + 1)),
            "object" when depth < 8 => Object(document, schema, depth),
            _ => null,
        };
    }

    private static JsonObject Object(JsonElement document, JsonElement schema, int depth)
    {
        var result = new JsonObject();
        if (!schema.TryGetProperty("required", out var names)
            || !schema.TryGetProperty("properties", out var properties))
        {
            return result;
        }

        foreach (var name in names.EnumerateArray().Select(n => n.GetString()!))
        {
            result[name] = Sample(document, properties.GetProperty(name), depth + 1);
        }

        return result;
    }

    private static bool IsNull(JsonElement schema) =>
        schema.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String
        && type.GetString() == "null";
}
