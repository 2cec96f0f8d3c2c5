using System.Text.Json;
using Template.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// Every Orders operation, through its success and its error paths, answers what the OpenAPI document says:
/// each live response is checked against <c>/openapi/v1.json</c> by a JSON Schema validator nobody here wrote
/// (tests/contract/check-contract.mjs), after the document itself passes an OpenAPI 3.1 validator and a linter.
/// </summary>
[Slow(Suite.Node)]
public sealed class OrdersContractTests : IAsyncLifetime
{
    private readonly List<Dictionary<string, object?>> exchanges = [];
    private AccessTokens tokens = null!;
    private IAlbaHost host = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> kestrel = null!;
    private Uri kestrelAddress = null!;

    public async Task InitializeAsync()
    {
        tokens = await AccessTokens.StartAsync();
        var settings = tokens.Settings();
        // Small enough that the walk reaches the limit; large enough for the requests before it.
        settings["RateLimiting:Policies:strict:PermitLimit"] = "12";
        host = await ServiceFixture.StartAsync("Development", settings);
        // The body limit is Kestrel's, which the in-process test server does not enforce: bodies over it go here.
        var port = Loopback.FreePort();
        kestrel = KestrelHost.Start(port, settings);
        kestrelAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public async Task DisposeAsync()
    {
        await kestrel.DisposeAsync();
        await host.DisposeAsync();
        await tokens.DisposeAsync();
    }

    [Fact]
    public async Task Every_response_of_every_operation_matches_the_document()
    {
        var order = await Send(s => s.Post.Json(OrdersApi.ValidOrder()).ToUrl("/api/orders"), As("alice"));
        var id = JsonDocument.Parse(order).RootElement.GetProperty("id").GetGuid();
        var url = $"/api/orders/{id}";
        var unknown = $"/api/orders/{Guid.NewGuid()}";
        var readOnly = await tokens.IssueAsync(host, "alice", "orders.read");
        var writeOnly = await tokens.IssueAsync(host, "alice", "orders.write");

        // PlaceOrder: its rules, a body that is no JSON, no credential, a refused token, a missing scope, size, type.
        var broken = new { customerEmail = "no", lines = new object?[] { null }, currency = 5 };
        await Send(s => s.Post.Json(broken).ToUrl("/api/orders"), As("alice"));
        await Send(s => s.Post.Text("{\"customerEmail\":").ToUrl("/api/orders"), As("alice"), Json);
        await Send(s => s.Post.Json(OrdersApi.ValidOrder()).ToUrl("/api/orders"));
        await Send(s => s.Post.Json(OrdersApi.ValidOrder()).ToUrl("/api/orders"), Bearer("not-a-token"));
        await Send(s => s.Post.Json(OrdersApi.ValidOrder()).ToUrl("/api/orders"), Bearer(readOnly));
        await SendOversizedAsync(HttpMethod.Post, "/api/orders");
        await Send(s => s.Post.Text("customerEmail=a").ToUrl("/api/orders"), As("alice"));

        // ListOrders and GetOrder.
        await Send(s => s.Get.Url("/api/orders?page=1&pageSize=5"), As("alice"));
        await Send(s => s.Get.Url("/api/orders?page=abc"), As("alice"));
        await Send(s => s.Get.Url("/api/orders?page=0&pageSize=1000"), As("alice"));
        await Send(s => s.Get.Url("/api/orders"), Bearer(writeOnly));
        await Send(s => s.Get.Url(url), Bearer(readOnly));
        await Send(s => s.Get.Url(url), Bearer(writeOnly));
        await Send(s => s.Get.Url(url), As("mallory"));
        await Send(s => s.Get.Url(unknown));

        // ChangeOrderNote: the version it needs (once the confirmation job has moved the order on), the one it
        // refuses, the header it requires, the note's length, a body over the limit.
        var store = host.Services.OrderStore();
        await Eventually.HoldsAsync(
            async () => (await store.FindAsync(id, CancellationToken.None))?.Status == OrderStatus.Confirmed,
            () => "The order was not confirmed.");
        var version = (await store.FindAsync(id, CancellationToken.None))!.Version;
        var current = IfMatch($"\"{version}\"");
        await Send(s => s.Put.Json(new { note = "Ring twice" }).ToUrl($"{url}/note"), As("alice"), current);
        await Send(s => s.Put.Json(new { note = "Stale" }).ToUrl($"{url}/note"), As("alice"), current);
        await SendOversizedAsync(HttpMethod.Put, $"{url}/note", ("If-Match", $"\"{version}\""));
        await Send(s => s.Put.Json(new { note = new string('n', 501) }).ToUrl($"{url}/note"), As("alice"));
        await Send(s => s.Put.Json(new { note = "x" }).ToUrl($"{unknown}/note"), As("alice"), IfMatch("\"1\""));
        await Send(s => s.Put.Text("note").ToUrl($"{url}/note"), As("alice"), IfMatch("\"1\""));
        await Send(s => s.Put.Json(new { note = "x" }).ToUrl($"{url}/note"), Bearer(readOnly), IfMatch("\"2\""));

        // CancelOrder: once, again (it is idempotent), an order that shipped, one that does not exist.
        await Send(s => s.Post.Url($"{url}/cancel"), As("alice"));
        await Send(s => s.Post.Url($"{url}/cancel"), As("alice"));
        var shipped = await ShippedOrderAsync();
        await Send(s => s.Post.Url($"{shipped}/cancel"), As("alice"));
        await Send(s => s.Post.Url($"{unknown}/cancel"), As("alice"));
        await Send(s => s.Post.Url($"{url}/cancel"), Bearer(readOnly));

        // Without any credential, each operation answers 401 with its challenge.
        await Send(s => s.Get.Url("/api/orders"));
        await Send(s => s.Put.Json(new { note = "x" }).ToUrl($"{url}/note"), IfMatch("\"2\""));
        await Send(s => s.Post.Url($"{url}/cancel"));

        // Until the strict limit answers 429; bounded by twice the limit.
        for (var attempt = 0; attempt < 24 && !exchanges.Exists(e => (int)e["status"]! == 429); attempt++)
        {
            await Send(s => s.Post.Json(new { }).ToUrl("/api/orders"), As("limited"));
        }

        var document = await Send(s => s.Get.Url("/openapi/v1.json"), false);
        var folder = Directory.CreateTempSubdirectory("contract-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "openapi.json"), document);
            await File.WriteAllTextAsync(Path.Combine(folder, "exchanges.json"), JsonSerializer.Serialize(exchanges));
            var (exit, output) = await NodeTools.RunAsync(
                "check-contract.mjs", Path.Combine(folder, "openapi.json"), Path.Combine(folder, "exchanges.json"));
            Assert.True(exit == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // The walk reached every status each operation it walks documents, except 503 (Redis is not in this host).
        using var parsed = JsonDocument.Parse(document);
        var checkedOperations = new List<string?>();
        foreach (var path in parsed.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var operationId = operation.Value.TryGetProperty("operationId", out var named) ? named.GetString() : null;
                if (!Walked.Contains(operationId))
                {
                    continue;
                }

                checkedOperations.Add(operationId);
                var seen = Seen(operation.Name, path.Name);
                var documented = operation.Value.GetProperty("responses").EnumerateObject()
                    .Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture));
                // 429 is reached on PlaceOrder, whose strict limit is small; the global limit applies alike elsewhere.
                var placing = path.Name == "/api/orders" && operation.Name == "post";
                var expected = documented.Where(status => status != 503 && (status != 429 || placing));
                var label = $"{operation.Name} {path.Name}";
                Assert.All(expected, status =>
                    Assert.True(seen.Contains(status), $"{label}: {status} never seen ({string.Join(", ", seen)})"));
            }
        }

        Assert.Equal(Walked.Order(), checkedOperations.Order());
    }

    // The sample's operations; a slice added to the area has a walk of its own to write.
    private static readonly HashSet<string?> Walked =
        ["PlaceOrder", "ListOrders", "GetOrder", "ChangeOrderNote", "CancelOrder"];

    private HashSet<int> Seen(string method, string route)
    {
        var pattern = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Replace(route, "\\{[^}]+\\}", "[^/]+") + "$");
        return [.. exchanges
            .Where(e => string.Equals((string)e["method"]!, method, StringComparison.OrdinalIgnoreCase)
                && pattern.IsMatch(((string)e["path"]!).Split('?')[0]))
            .Select(e => (int)e["status"]!)];
    }

    private async Task<string> ShippedOrderAsync()
    {
        var placed = await Send(s => s.Post.Json(OrdersApi.ValidOrder()).ToUrl("/api/orders"), false, As("alice"));
        var order = JsonDocument.Parse(placed);
        var id = order.RootElement.GetProperty("id").GetGuid();
        var store = host.Services.OrderStore();
        // The confirmation job moves the order on concurrently; ship it only after that, or the swap can lose.
        await Eventually.HoldsAsync(
            async () => (await store.FindAsync(id, CancellationToken.None))?.Status == OrderStatus.Confirmed,
            () => "The order to ship was not confirmed.");
        var stored = (await store.FindAsync(id, CancellationToken.None))!;
        var shipped = stored with { Status = OrderStatus.Shipped, Version = stored.Version + 1 };
        Assert.True(await store.ReplaceAsync(stored, shipped, CancellationToken.None));
        return $"/api/orders/{id}";
    }

    private static Action<Scenario> As(string user) => s => s.As(user);

    private static Action<Scenario> Bearer(string token) =>
        s => s.WithRequestHeader("Authorization", $"Bearer {token}");

    private static Action<Scenario> IfMatch(string version) => s => s.WithRequestHeader("If-Match", version);

    private static void Json(Scenario scenario) => scenario.WithRequestHeader("Content-Type", "application/json");

    private Task<string> Send(Action<Scenario> request, params Action<Scenario>[] extras) =>
        Send(request, record: true, extras);

    private async Task SendOversizedAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(new string('x', 1_100_000), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(Template.Infrastructure.Security.DevelopmentAuthenticationHandler.UserHeader, "alice");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var socket = new HttpClient { BaseAddress = kestrelAddress };
        using var response = await socket.SendAsync(request);
        exchanges.Add(new()
        {
            ["method"] = method.Method,
            ["path"] = path,
            ["status"] = (int)response.StatusCode,
            ["headers"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Content-Type"] = response.Content.Headers.ContentType?.ToString() ?? "",
            },
            ["body"] = await response.Content.ReadAsStringAsync(),
        });
    }

    private async Task<string> Send(Action<Scenario> request, bool record, params Action<Scenario>[] extras)
    {
        var result = await host.Scenario(s =>
        {
            request(s);
            foreach (var extra in extras)
            {
                extra(s);
            }

            s.IgnoreStatusCode();
        });
        var body = await result.ReadAsTextAsync();
        var context = result.Context;
        if (record)
        {
            exchanges.Add(new()
            {
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path + context.Request.QueryString,
                ["status"] = context.Response.StatusCode,
                ["headers"] = context.Response.Headers
                    .Where(h => h.Key is "Content-Type" or "Location" or "WWW-Authenticate" or "Retry-After")
                    .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.Ordinal),
                ["body"] = body,
            });
        }

        return body;
    }
}
