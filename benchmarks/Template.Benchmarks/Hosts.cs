using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Template.Infrastructure.Areas;
using Template.Infrastructure;

namespace Template.Benchmarks;

/// <summary>
/// The two servers the HTTP measurements compare. Each runs in a process of its own on the same core, so each one's
/// start-up, memory and idle CPU are its own.
/// </summary>
public static class Hosts
{
    public const string BenchClient = "bench-client";
    public const string BenchSecret = "bench-secret-used-only-by-the-benchmark-host";
    public const string MemoryPath = "/bench/memory";

    /// <summary>
    /// The service as a generated one runs in Production: the embedded authorization server signing with a
    /// configured certificate, every middleware, the mediator pipeline, the rate limiter with a limit the load never
    /// reaches, JSON logs, the SQLite file and in-memory jobs of the embedded defaults.
    /// </summary>
    public static WebApplication Service(int port, string signingCertificate)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(Hosts).Assembly.GetName().Name,
        });
        var origin = $"http://127.0.0.1:{port}/";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthorizationServer:Issuer"] = origin,
            ["AuthorizationServer:SigningCertificatePath"] = signingCertificate,
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
        app.MapGet(EchoEndpoints.Anonymous, (string? name) => string.IsNullOrEmpty(name)
            ? Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["'name' must not be empty."] })
            : Results.Ok(new Echo("Hello " + name)));
        app.MapGet(BenchOrders.Route, (Guid id) => BenchOrders.Find(id) is { } order ? Results.Ok(order) : Results.NotFound());
        app.MapGet(MemoryPath, ReadMemory);
        return app;
    }

    /// <summary>Item 6: this process's memory after a full collection.</summary>
    public static MemoryReading ReadMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new MemoryReading(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>
    /// Runs one host until killed, after writing its ready file: for the service a client-credentials access token
    /// for the secure endpoint, or nothing when it has no token endpoint (generated with <c>--auth external</c> or
    /// <c>none</c>); for the bare host nothing.
    /// </summary>
    public static async Task ServeAsync(string which, int port, string readyFile, string? signingCertificate)
    {
        await using var app = which == "service" ? Service(port, signingCertificate!) : Bare(port);
        await app.StartAsync();
        var token = which == "service" ? await TokenAsync(port) : "";
        await File.WriteAllTextAsync(readyFile + ".tmp", token);
        File.Move(readyFile + ".tmp", readyFile, overwrite: true);
        // Until SIGTERM or Ctrl+C.
        await app.WaitForShutdownAsync();
    }

    private static async Task<string> TokenAsync(int port)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = BenchClient,
            ["client_secret"] = BenchSecret,
        });
        using var answer = await client.PostAsync(new Uri("connect/token", UriKind.Relative), form);
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            return "";
        }

        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>Starts one of them alone, for the start-up measurement.</summary>
    public static async Task StartAloneAsync(string which, string port, string? signingCertificate)
    {
        var number = int.Parse(port, CultureInfo.InvariantCulture);
        await using var app = which == "service" ? Service(number, signingCertificate!) : Bare(number);
        await app.RunAsync();
    }

    /// <summary>
    /// A self-signed RSA-2048 certificate for the embedded server to sign tokens with, as Production requires one.
    /// Made once per run by the harness, so no measured start-up pays for the key.
    /// </summary>
    public static string CreateSigningCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=bench-signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"bench-signing-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}

/// <summary>The service's copy of the memory endpoint: benchmark-only, anonymous.</summary>
public sealed class MemoryEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet(Hosts.MemoryPath, Hosts.ReadMemory).AllowAnonymous();
}

/// <summary>Working set and managed heap in bytes, read after a full collection.</summary>
public sealed record MemoryReading(long WorkingSetBytes, long ManagedHeapBytes);
