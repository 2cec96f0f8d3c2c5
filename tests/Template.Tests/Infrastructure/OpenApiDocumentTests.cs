using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Security;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The OpenAPI document as a whole: valid for third-party tools, with its info and security schemes.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class OpenApiDocumentTests(ServiceFixture service)
{
    [Fact]
    [Slow(Suite.Node)]
    public async Task The_document_passes_an_OpenAPI_3_1_validator_and_a_linter()
    {
        var folder = Directory.CreateTempSubdirectory("openapi-").FullName;
        try
        {
            var path = Path.Combine(folder, "openapi.json");
            await File.WriteAllTextAsync(path, await ReadAsync());
            var (exit, output) = await NodeTools.RunAsync("check-contract.mjs", path);
            Assert.True(exit == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_document_describes_the_service_and_its_licence()
    {
        using var document = JsonDocument.Parse(await ReadAsync());
        var info = document.RootElement.GetProperty("info");
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("license").GetProperty("name").GetString()));
        Assert.All(document.RootElement.GetProperty("servers").EnumerateArray(),
            server => Assert.False(server.GetProperty("url").GetString()!.EndsWith('/'), server.ToString()));
    }

    [Fact]
    public async Task The_security_schemes_are_the_credentials_this_instance_accepts()
    {
        using var document = JsonDocument.Parse(await ReadAsync());
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        var features = service.Host.Services.GetRequiredService<SecurityFeatures>();
        Assert.Equal(features.BearerTokens, schemes.TryGetProperty(AuthSchemes.AccessToken, out var accessToken));
        if (features.EmbeddedServer)
        {
            Assert.Equal("oauth2", accessToken.GetProperty("type").GetString());
            var flows = accessToken.GetProperty("flows");
            var tokenUrl = flows.GetProperty("clientCredentials").GetProperty("tokenUrl").GetString();
            Assert.EndsWith("/connect/token", tokenUrl, StringComparison.Ordinal);
            var code = flows.GetProperty("authorizationCode");
            var authorizationUrl = code.GetProperty("authorizationUrl").GetString();
            Assert.EndsWith("/connect/authorize", authorizationUrl, StringComparison.Ordinal);
            Assert.True(code.GetProperty("scopes").TryGetProperty("openid", out _));
        }
        else if (features.BearerTokens)
        {
            Assert.Equal("http", accessToken.GetProperty("type").GetString());
            Assert.Equal("bearer", accessToken.GetProperty("scheme").GetString());
        }

        Assert.Equal(features.DevelopmentHeader, schemes.TryGetProperty("DevelopmentUser", out _));
    }

    private async Task<string> ReadAsync()
    {
        var result = await service.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(200);
        });
        return await result.ReadAsTextAsync();
    }
}
