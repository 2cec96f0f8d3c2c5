using Template.Features.Orders;
using Template.Features.Orders.PlaceOrder;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>Runs in both modes: <see cref="PlaceOrderTestsInMemory"/> and <see cref="PlaceOrderTestsOnRedis"/>.</summary>
public abstract class PlaceOrderTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task A_valid_order_is_created_in_the_placed_state_with_its_location()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(OrdersApi.ValidOrder()).ToUrl(PlaceOrderEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(201);
        });
        var order = (await result.ReadAsJsonAsync<OrderResponse>())!;
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal("buyer@example.com", order.CustomerEmail);
        Assert.Equal(2, order.Lines.Count);
        Assert.Equal($"/api/orders/{order.Id}", result.Context.Response.Headers.Location.ToString());
        Assert.Contains("\"status\":\"Placed\"", await result.ReadAsTextAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Every_rule_violation_is_reported_by_json_path()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new PlaceOrderCommand("not-an-email", [new PlaceOrderLine("x", 0), new PlaceOrderLine("SKU-002", 5000)], "eur", null))
                .ToUrl(PlaceOrderEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("customerEmail", out _));
        Assert.True(errors.TryGetProperty("currency", out _));
        Assert.True(errors.TryGetProperty("lines[0].sku", out _));
        Assert.True(errors.TryGetProperty("lines[0].quantity", out _));
        Assert.True(errors.TryGetProperty("lines[1].quantity", out _));
        Assert.False(errors.TryGetProperty("lines[1].sku", out _));
        Assert.Contains("(and 4 more errors)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Missing_lines_and_duplicate_skus_are_rejected()
    {
        var missing = await Host.Scenario(s =>
        {
            s.Post.Text("{\"customerEmail\":\"a@example.com\",\"currency\":\"EUR\"}").ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Content-Type", "application/json");
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        Assert.True((await missing.ReadProblemAsync(400)).GetProperty("errors").TryGetProperty("lines", out _));

        var duplicate = await Host.Scenario(s =>
        {
            s.Post.Json(new PlaceOrderCommand("a@example.com", [new PlaceOrderLine("SKU-001", 1), new PlaceOrderLine("SKU-001", 2)], "EUR", null))
                .ToUrl(PlaceOrderEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        var problem = await duplicate.ReadProblemAsync(400);
        Assert.Equal("'lines' must not contain duplicates.", problem.GetProperty("errors").GetProperty("lines")[0].GetString());
        Assert.Equal("distinct", problem.GetProperty("codes").GetProperty("lines")[0].GetString());
    }

    [SkippableFact]
    public async Task The_request_is_normalized_before_validation_and_storage()
    {
        var placed = await Host.PlaceAsync("alice", new PlaceOrderCommand("  Alice@Example.COM ", [new PlaceOrderLine("SKU-003", 1)], "EUR", "   "));
        Assert.Equal("alice@example.com", placed.CustomerEmail);
        Assert.Null(placed.Note);
    }

    [SkippableTheory]
    [InlineData("de", "SKU-999", "'Artikelnummer' ist nicht im Katalog.", "sku_in_catalog")]
    [InlineData("fr", "x", "'référence' doit comporter de 3 à 32 majuscules, chiffres ou tirets.", "sku")]
    [InlineData("es", "SKU-999", "'referencia' no está en el catálogo.", "sku_in_catalog")]
    [InlineData("en", "sku-001", "'sku' must be 3 to 32 upper-case letters, digits or dashes.", "sku")]
    public async Task The_orders_own_rules_answer_in_the_callers_language(string language, string sku, string message, string code)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new PlaceOrderCommand("a@example.com", [new PlaceOrderLine(sku, 1)], "EUR", null)).ToUrl(PlaceOrderEndpoint.Route);
            s.As("alice");
            s.WithRequestHeader("Accept-Language", language);
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty("lines[0].sku")[0].GetString());
        Assert.Equal(code, problem.GetProperty("codes").GetProperty("lines[0].sku")[0].GetString());
    }

    [SkippableTheory]
    [InlineData("en", "The quantities of all lines together must not exceed 5000.")]
    [InlineData("de", "Die Mengen aller Positionen zusammen dürfen 5000 nicht übersteigen.")]
    public async Task A_check_on_the_whole_request_runs_once_the_lines_are_valid(string language, string message)
    {
        var lines = Enumerable.Range(1, 6).Select(n => new PlaceOrderLine($"SKU-{n:000}", 1000)).ToList();
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new PlaceOrderCommand("a@example.com", lines, "EUR", null)).ToUrl(PlaceOrderEndpoint.Route);
            s.As("alice");
            s.WithRequestHeader("Accept-Language", language);
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty("lines")[0].GetString());
        Assert.Equal("max_total_quantity", problem.GetProperty("codes").GetProperty("lines")[0].GetString());

        // Five full lines are within the limit.
        await Host.PlaceAsync("alice", new PlaceOrderCommand("a@example.com", lines[..5], "EUR", null));
    }

    [SkippableFact]
    public async Task An_anonymous_caller_gets_401_even_with_an_invalid_body()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new PlaceOrderCommand("", [], "", null)).ToUrl(PlaceOrderEndpoint.Route);
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
    }

    [SkippableFact]
    public async Task Malformed_json_is_400_not_500()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text("{\"customerEmail\": ").ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Content-Type", "application/json");
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        await result.ReadProblemAsync(400);
    }

    [SkippableTheory]
    [InlineData("\"lines\":[null]", "lines[0]", "not_null")]
    [InlineData("\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1},null]", "lines[1]", "not_null")]
    [InlineData("\"lines\":null", "lines", "not_null")]
    [InlineData("\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1.5}]", "lines[0].quantity", "type")]
    [InlineData("\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":2147483648}]", "lines[0].quantity", "type")]
    [InlineData("\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"note\":5", "note", "type")]
    [InlineData("\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"customerEmail\":12345", "customerEmail", "type")]
    public async Task Input_of_the_wrong_shape_is_a_validation_error_at_its_path_never_500(string members, string path, string code)
    {
        // The members after the first ones win: System.Text.Json keeps the last value of a repeated member.
        var result = await Host.Scenario(s =>
        {
            s.Post.Text($"{{\"customerEmail\":\"a@example.com\",\"currency\":\"EUR\",{members}}}").ToUrl(PlaceOrderEndpoint.Route);
            s.WithRequestHeader("Content-Type", "application/json");
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        await result.ReadSingleErrorAsync(path, code);
    }
}

[Collection(SharedServiceHost.Name)]
public sealed class PlaceOrderTestsInMemory(ServiceFixture service) : PlaceOrderTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class PlaceOrderTestsOnRedis(RedisServiceFixture service) : PlaceOrderTests(service);
