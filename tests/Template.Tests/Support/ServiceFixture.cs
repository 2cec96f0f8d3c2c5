using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Template.Infrastructure.Endpoints;
using Template.Infrastructure.Security;

namespace Template.Tests.Support;

/// <summary>
/// The whole service, started once per test collection in Development (in-memory backends),
/// with the test-only probe endpoints added beside the real ones.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await StartAsync("Development");

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>Starts a host in <paramref name="environment"/> with extra settings.</summary>
    public static Task<IAlbaHost> StartAsync(string environment, IDictionary<string, string?>? settings = null) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services => services.AddEndpoint<ProbeEndpoints>());
        });
}

[CollectionDefinition(Name)]
public sealed class SharedServiceHost : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}

public static class ScenarioExtensions
{
    /// <summary>Authenticates the scenario as <paramref name="user"/> through the development scheme.</summary>
    public static Scenario As(this Scenario scenario, string user, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.WithRequestHeader(DevelopmentAuthenticationHandler.UserHeader, user);
        if (roles.Length > 0)
        {
            scenario.WithRequestHeader(DevelopmentAuthenticationHandler.RolesHeader, string.Join(',', roles));
        }

        return scenario;
    }

    /// <summary>Asserts the RFC 9457 shape and returns the parsed problem.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this IScenarioResult result, int status)
    {
        ArgumentNullException.ThrowIfNull(result);
        Assert.Equal(status, result.Context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType, StringComparison.Ordinal);
        var text = await result.ReadAsTextAsync();
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return problem;
    }
}
