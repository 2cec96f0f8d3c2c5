using System.Globalization;
using System.Net;
using System.Text.Json;
using Template.Infrastructure;

namespace Template.Benchmarks;

/// <summary>The two servers the HTTP measurements compare, both in one process so they share its runtime and core.</summary>
public static class Hosts
{
    public const string BenchClient = "bench-client";
    public const string BenchSecret = "bench-secret-used-only-by-the-benchmark-host";
    public const string MemoryPath = "/bench/memory";

    /// <summary>The service: every middleware, the mediator pipeline, the rate limiter with a limit never reached, JSON logs.</summary>
    public static WebApplication Service(int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Staging",
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(Hosts).Assembly.GetName().Name,
        });
        var origin = $"http://127.0.0.1:{port}/";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthorizationServer:Issuer"] = origin,
            ["AuthorizationServer:Clients:0:ClientId"] = BenchClient,
            ["AuthorizationServer:Clients:0:ClientSecret"] = BenchSecret,
            ["AuthorizationServer:Clients:0:Grants:0"] = "client_credentials",
            ["RateLimiting:Policies:per-caller:PermitLimit"] = "1000000000",
            ["RateLimiting:Policies:per-caller:TokensPerPeriod"] = "1000000000",
            ["RateLimiting:Policies:credentials:PermitLimit"] = "1000000000",
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.AddServiceInfrastructure(typeof(Hosts).Assembly);
        builder.Services.AddBenchMediator();
        var app = builder.Build();
        app.UseServiceInfrastructure();
        return app;
    }

    /// <summary>
    /// The baseline: a bare Minimal API doing the same work (read the query, check it is not empty, answer the same
    /// JSON), with no middleware and no logging. Only the benchmark has it.
    /// </summary>
    public static WebApplication Bare(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet(GreetingEndpoints.Anonymous, (string? name) => string.IsNullOrEmpty(name)
            ? Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["'name' must not be empty."] })
            : Results.Ok(new Greeting("Hello, " + name)));
        app.MapGet(BenchOrders.Route, (Guid id) => BenchOrders.Find(id) is { } order ? Results.Ok(order) : Results.NotFound());
        app.MapGet("/health/ready", () => Results.Ok());
        // Item 6: the process's memory after a full collection. The bare host shares the service's process.
        app.MapGet(MemoryPath, () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Ok(new MemoryReading(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false)));
        });
        return app;
    }

    /// <summary>
    /// Runs both until killed, after writing a client-credentials access token for the secure endpoint, or an empty
    /// file when the service has no token endpoint (generated with <c>--auth external</c> or <c>none</c>).
    /// </summary>
    public static async Task ServeAsync(int servicePort, int barePort, string tokenFile)
    {
        await using var service = Service(servicePort);
        await using var bare = Bare(barePort);
        await service.StartAsync();
        await bare.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{servicePort}/") };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = BenchClient,
            ["client_secret"] = BenchSecret,
        });
        using var answer = await client.PostAsync(new Uri("connect/token", UriKind.Relative), form);
        var token = "";
        if (answer.StatusCode != HttpStatusCode.NotFound)
        {
            answer.EnsureSuccessStatusCode();
            token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        }

        await File.WriteAllTextAsync(tokenFile + ".tmp", token);
        File.Move(tokenFile + ".tmp", tokenFile, overwrite: true);
        // Until SIGTERM or Ctrl+C, which stop the service's host; the bare one is disposed with it.
        await service.WaitForShutdownAsync();
    }

    /// <summary>Starts one of them alone, for the start-up measurement.</summary>
    public static async Task StartAloneAsync(string which, string port)
    {
        var number = int.Parse(port, CultureInfo.InvariantCulture);
        await using var app = which == "service" ? Service(number) : Bare(number);
        await app.RunAsync();
    }
}

/// <summary>Working set and managed heap in bytes, read after a full collection.</summary>
public sealed record MemoryReading(long WorkingSetBytes, long ManagedHeapBytes);
