using System.Text.Json;
using Template.Infrastructure.Health;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>Operability basics: health, OpenAPI, and settings checked before the first request.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class StartupTests(ServiceFixture service, ProductionServiceFixture production)
{
    private readonly IAlbaHost host = service.Host;

    [Theory]
    [InlineData(HealthEndpoints.LivePath)]
    [InlineData(HealthEndpoints.ReadyPath)]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(path);
            s.StatusCodeShouldBe(200);
        });
        using var body = JsonDocument.Parse(await result.ReadAsTextAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_discovered_endpoints_in_development()
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(200);
        });
        using var document = JsonDocument.Parse(await result.ReadAsTextAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(ProbeEndpoints.Echo, out var echo));
        Assert.True(echo.TryGetProperty("post", out _));
        Assert.False(paths.TryGetProperty(HealthEndpoints.LivePath, out _));
    }

    [Fact]
    public async Task The_api_reference_ui_is_served_in_development()
    {
        await host.Scenario(s =>
        {
            s.Get.Url("/scalar/v1");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task Outside_development_the_openapi_document_and_ui_are_not_mapped()
    {
        await production.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(404);
        });
        await production.Host.Scenario(s =>
        {
            s.Get.Url(HealthEndpoints.LivePath);
            s.StatusCodeShouldBe(200);
        });
    }

    [Theory]
    [InlineData("Http:MaxRequestBodyBytes", "0", "Http:MaxRequestBodyBytes")]
    [InlineData("Http:MaxRequestBodyBytes", "-5", "Http:MaxRequestBodyBytes")]
    [InlineData("ConnectionStrings:Redis", "abortConnect=false", "ConnectionStrings:Redis")]
    [InlineData("Redis:KeyPrefix", "has space", "Redis:KeyPrefix")]
    [InlineData("Redis:KeyPrefix", "{}:", "Redis:KeyPrefix")]
    [InlineData("Redis:KeyPrefix", "{orders:", "Redis:KeyPrefix")]
    [InlineData("Redis:KeyPrefix", "{a}{b}:", "Redis:KeyPrefix")]
    [InlineData("Redis:MinWorkerThreads", "-1", "Redis:MinWorkerThreads")]
    [InlineData("Redis:OperationTimeout", "00:00:00", "Redis:OperationTimeout")]
    [InlineData("Jobs:Queues:0:Name", "Not Lower", "Jobs:Queues:0:Name")]
    [InlineData("Jobs:Queues:0:Workers", "0", "Jobs:Queues:0:Workers")]
    [InlineData("Jobs:ServerTimeout", "00:00:05", "Jobs:ServerTimeout")]
    [InlineData("Jobs:Retry:Attempts", "-1", "Jobs:Retry:Attempts")]
    [InlineData("Jobs:Retry:MaxDelay", "00:00:01", "Jobs:Retry:MaxDelay")]
    [InlineData("Cache:DefaultDuration", "00:00:00", "Cache:DefaultDuration")]
    [InlineData("Validation:StatusCode", "500", "Validation:StatusCode")]
    [InlineData("Validation:SupportedCultures:0", "not-a-culture-at-all", "Validation:SupportedCultures")]
    [InlineData("Http:MaxJsonDepth", "0", "Http:MaxJsonDepth")]
    [InlineData("OpenApi:Description", "", "OpenApi:Description")]
    [InlineData("OpenApi:LicenseName", " ", "OpenApi:LicenseName")]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4318", "Telemetry:OtlpEndpoint")]
//#if (auth != "none")
    [InlineData("Auth:Authority", "https://login.example.com/", "Auth:Authority")]
    [InlineData("Auth:ClockSkew", "00:05:00", "Auth:ClockSkew")]
//#endif
    public void A_bad_setting_fails_start_up_validation_naming_the_key(string key, string value, string named)
    {
        var failure = ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?> { [key] = value });
        Assert.NotNull(failure);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders:")]
    [InlineData("{orders}:")]
    [InlineData("acme.{orders}:v2:")]
    public void A_key_prefix_may_hold_one_hash_tag(string prefix)
    {
        Assert.Null(ServiceFixture.ValidateSettings(
            "Development", new Dictionary<string, string?> { ["Redis:KeyPrefix"] = prefix }));
    }

    [Fact]
    public void The_default_settings_pass_start_up_validation_in_every_environment()
    {
        Assert.Null(ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?>()));
        Assert.Null(ServiceFixture.ValidateSettings("Production", new Dictionary<string, string?>()));
    }

    [Fact]
    [Slow(Suite.Process)]
    public async Task A_bad_setting_stops_the_real_process_with_a_message_naming_the_key()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["Http:MaxRequestBodyBytes"] = "0" });
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Http:MaxRequestBodyBytes must be between", service.Tail(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_development_scheme_cannot_be_switched_on_in_production()
    {
        var failure = ServiceFixture.ValidateSettings("Production", new Dictionary<string, string?> { ["Authentication:Development:Enabled"] = "true" });
        Assert.NotNull(failure);
        Assert.Contains("Authentication:Development:Enabled", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_the_development_header_is_ignored()
    {
        var result = await production.Host.Scenario(s =>
        {
            s.Get.Url("/_probe/throw/unauthenticated");
            s.As("mallory");
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
        Assert.False(result.Context.User.Identity?.IsAuthenticated ?? false);
    }
}
