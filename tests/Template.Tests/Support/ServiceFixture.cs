using Template.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Areas;
using Template.Infrastructure.OpenApi;
using Template.Infrastructure.Security;

namespace Template.Tests.Support;

/// <summary>A started service the mode-independent suites run against.</summary>
public interface IServiceHostFixture
{
    /// <summary>The host; reading it skips the test when the mode's backend is unavailable.</summary>
    IAlbaHost Host { get; }
}

/// <summary>
/// The whole service, started once per test collection in Development (in-memory backends),
/// with the test-only probe endpoints added beside the real ones.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime, IServiceHostFixture
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await StartAsync("Development");

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>
    /// Runs the checks made while services are registered (<c>ReadSettings</c>) and those <c>ValidateOnStart</c>
    /// registers, on the service's real registrations and configuration, and returns the failure (in Production with <see cref="TestHostSettings"/> unless overridden). Deterministic, unlike a test host whose start-up throws from another thread.
    /// </summary>
    public static OptionsValidationException? ValidateSettings(string environment, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(TestHostSettings.For(environment, settings));
        try
        {
            builder.AddServiceInfrastructure(typeof(Program).Assembly);
            using var provider = builder.Services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (OptionsValidationException failure)
        {
            return failure;
        }
    }

    /// <summary>
    /// Settings that put a host on the Redis at <paramref name="connectionString"/> under key prefixes of its own,
    /// and on a PostgreSQL database of its own: the production shape. Hosts given one prefix share both, as
    /// instances of one service do.
    /// </summary>
    public static async Task<Dictionary<string, string?>> RedisSettingsAsync(
        string connectionString, string? prefix = null)
    {
        prefix ??= $"t{Guid.NewGuid():N}"[..13];
        var postgres = await PostgresServer.RequireSharedAsync();
        return new()
        {
            ["ConnectionStrings:Redis"] = connectionString,
            ["ConnectionStrings:Postgres"] = postgres.NewDatabase(prefix),
            ["Redis:KeyPrefix"] = $"{prefix}:",
            ["Jobs:RedisPrefix"] = $"{{{prefix}:jobs}}:",
            // The whole suite shares two cores; a loaded machine must not turn a slow answer into a failure.
            ["Redis:OperationTimeout"] = "00:00:10",
        };
    }

    /// <summary>Starts a host in <paramref name="environment"/> with extra settings.</summary>
    public static Task<IAlbaHost> StartAsync(
        string environment,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in TestHostSettings.For(environment, settings))
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(collection =>
            {
                collection.AddEndpoint<ProbeEndpoints>();
                collection.DescribeApiTag("Probe", "Test-only endpoints; the echo probe is in the document as an open operation.");
                services?.Invoke(collection);
            });
        });
}

/// <summary>The whole service in Production (with <see cref="TestHostSettings"/>), for what only outside Development holds.</summary>
public sealed class ProductionServiceFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceFixture.StartAsync("Production");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The whole service in Development on the shared test Redis, under key prefixes of its own, and on a PostgreSQL
/// database of its own.
/// </summary>
public sealed class RedisServiceFixture : IAsyncLifetime, IServiceHostFixture
{
    private IAlbaHost? host;

    public IAlbaHost Host
    {
        get
        {
            RedisServer.SkipOrFailWhen(host is null, RedisServer.UnavailableReason ?? "Redis is unavailable.");
            Prerequisites.SkipOrFailWhen(
                host is null, "PostgreSQL", PostgresServer.UnavailableReason ?? "PostgreSQL is unavailable.");
            return host!;
        }
    }

    public async Task InitializeAsync()
    {
        var redis = await RedisServer.Shared;
        if (redis is not null && await PostgresServer.Shared is not null)
        {
            host = await ServiceFixture.StartAsync(
                "Development", await ServiceFixture.RedisSettingsAsync(redis.ConnectionString));
        }
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServiceHost : ICollectionFixture<ServiceFixture>, ICollectionFixture<ProductionServiceFixture>
{
    public const string Name = "service";
}

[CollectionDefinition(Name)]
public sealed class SharedRedisServiceHost : ICollectionFixture<RedisServiceFixture>
{
    public const string Name = "service on redis";
}

public static class ScenarioExtensions
{
    /// <summary>Authenticates the scenario as <paramref name="user"/> through the development scheme.</summary>
    public static Scenario As(this Scenario scenario, string user, params string[] roles)
    {
        scenario.WithRequestHeader(DevelopmentAuthenticationHandler.UserHeader, user);
        if (roles.Length > 0)
        {
            scenario.WithRequestHeader(DevelopmentAuthenticationHandler.RolesHeader, string.Join(',', roles));
        }

        return scenario;
    }

    /// <summary>Polls <paramref name="url"/> until it answers <paramref name="status"/>; fails with the last answer (<see cref="Eventually"/>).</summary>
    public static async Task WaitForStatusAsync(this IAlbaHost host, string url, int status, TimeSpan? within = null)
    {
        var client = host.Server.CreateClient();
        HttpResponseMessage? last = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                last?.Dispose();
                last = await client.GetAsync(new Uri(url, UriKind.Relative));
                return (int)last.StatusCode == status;
            },
            () => $"{url} answered {(int)last!.StatusCode}, not {status}: {last.Content.ReadAsStringAsync().GetAwaiter().GetResult()}",
            within,
            TimeSpan.FromMilliseconds(200));
        last?.Dispose();
    }

    /// <summary>
    /// Asserts a validation problem with one error, at <paramref name="path"/> with <paramref name="code"/>, that names
    /// no .NET type or namespace; returns the problem.
    /// </summary>
    public static async Task<JsonElement> ReadSingleErrorAsync(this IScenarioResult result, string path, string code, int status = 400)
    {
        var problem = await result.ReadProblemAsync(status);
        Assert.Equal([path], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(code, problem.GetProperty("codes").GetProperty(path)[0].GetString());
        var text = problem.GetRawText();
        foreach (var dotNet in new[] { "System.", typeof(Program).Assembly.GetName().Name + ".", "Int32", "Int64", "String" })
        {
            Assert.DoesNotContain(dotNet, text, StringComparison.Ordinal);
        }

        return problem;
    }

    /// <summary>Asserts the RFC 9457 shape and returns the parsed problem.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this IScenarioResult result, int status)
    {
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
