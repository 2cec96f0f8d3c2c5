using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Template.Infrastructure.Http;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>Hardened defaults: security headers on every answer, page CSPs, HSTS, CORS from an allow-list.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class HardeningTests(ServiceFixture service, ProductionServiceFixture production)
{
    public static TheoryData<string, string?, int> Answers => new()
    {
        { "GET", "/health/live", 200 },
        { "GET", "/nowhere", 404 },
        { "GET", ProbeEndpoints.Me, 401 },
        { "POST", ProbeEndpoints.Echo, 400 },
        { "GET", "/_probe/throw/boom", 500 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_errors_included_carries_the_security_headers(string method, string? url, int status)
    {
        var result = await service.Host.Scenario(s =>
        {
            if (method == "POST")
            {
                s.Post.Text("{ not json").ToUrl(url!);
                s.WithRequestHeader("Content-Type", "application/json");
            }
            else
            {
                s.Get.Url(url!);
            }

            s.StatusCodeShouldBe(status);
        });
        var headers = result.Context.Response.Headers;
        Assert.Equal("nosniff", headers.XContentTypeOptions);
        Assert.Equal("no-referrer", headers["Referrer-Policy"]);
        Assert.Equal("DENY", headers.XFrameOptions);
        Assert.Equal(SecurityHeadersMiddleware.ApiContentSecurityPolicy, headers.ContentSecurityPolicy);
        // Development answers over http: no HSTS here.
        Assert.False(headers.ContainsKey("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_API_reference_and_the_jobs_dashboard_get_the_page_policy_which_loads_nothing_from_elsewhere()
    {
        var reference = await service.Host.Scenario(s => s.Get.Url("/scalar/v1"));
        var dashboard = await service.Host.Scenario(s => s.As("root", "admin").Get.Url("/jobs"));
        foreach (var page in new[] { reference, dashboard })
        {
            var policy = page.Context.Response.Headers.ContentSecurityPolicy.ToString();
            Assert.Equal(new SecurityHeadersOptions().PageContentSecurityPolicy, policy);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        }
    }

//#if (auth == "embedded")
    [Fact]
    public async Task The_login_page_allows_no_script_and_lets_its_form_lead_only_here_and_to_registered_clients()
    {
        var page = await service.Host.Scenario(s => s.Get.Url("/account/login"));
        var policy = page.Context.Response.Headers.ContentSecurityPolicy.ToString();
        // The native client's loopback address on any port (RFC 8252); the service's own clients at its issuer.
        var issuer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<
            Microsoft.Extensions.Options.IOptions<Template.Infrastructure.Security.AuthorizationServer.AuthorizationServerOptions>>(
            service.Host.Services).Value.Issuer!;
        var self = issuer.GetLeftPart(UriPartial.Authority);
        Assert.Equal($"default-src 'none'; form-action 'self' http://127.0.0.1:* {self}; frame-ancestors 'none'; base-uri 'none'", policy);
    }

//#endif
    [Fact]
    public async Task HSTS_is_sent_over_https_outside_Development_only()
    {
        var secure = await production.Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Scheme = "https";
                c.Request.Host = new HostString("api.example.com");
            });
        });
        Assert.Equal("max-age=31536000; includeSubDomains", secure.Context.Response.Headers.StrictTransportSecurity);

        var plain = await production.Host.Scenario(s => s.Get.Url("/health/live"));
        Assert.False(plain.Context.Response.Headers.ContainsKey("Strict-Transport-Security"));
        var development = await service.Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Scheme = "https";
                c.Request.Host = new HostString("api.example.com");
            });
        });
        Assert.False(development.Context.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Without_an_allow_list_no_other_origin_is_allowed()
    {
        var result = await service.Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.WithRequestHeader("Origin", "https://evil.example");
        });
        Assert.False(result.Context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_allow_listed_origin_may_call_and_read_the_limit_headers_and_others_may_not()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = "https://app.example.com",
        });
        var preflight = await host.Scenario(s =>
        {
            s.ConfigureHttpContext(c =>
            {
                c.Request.Method = "OPTIONS";
                c.Request.Path = ProbeEndpoints.Echo;
            });
            s.WithRequestHeader("Origin", "https://app.example.com");
            s.WithRequestHeader("Access-Control-Request-Method", "POST");
            s.WithRequestHeader("Access-Control-Request-Headers", "content-type,x-xsrf-token");
            s.StatusCodeShouldBe(204);
        });
        Assert.Equal("https://app.example.com", preflight.Context.Response.Headers.AccessControlAllowOrigin);
        Assert.False(preflight.Context.Response.Headers.ContainsKey("Access-Control-Allow-Credentials"));

        var call = await host.Scenario(s =>
        {
            s.As("alice").Get.Url(ProbeEndpoints.Me);
            s.WithRequestHeader("Origin", "https://app.example.com");
        });
        Assert.Contains("Retry-After", call.Context.Response.Headers.AccessControlExposeHeaders.ToString(), StringComparison.Ordinal);

        var stranger = await host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.WithRequestHeader("Origin", "https://evil.example");
        });
        Assert.False(stranger.Context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("*", "true", "not '*', while Cors:AllowCredentials is true")]
    [InlineData("https://app.example.com/path", "false", "Cors:AllowedOrigins holds an entry that is not an origin")]
    [InlineData("app.example.com", "false", "Cors:AllowedOrigins holds an entry that is not an origin")]
    public void A_CORS_allow_list_that_would_be_unsafe_or_wrong_stops_the_start(string origin, string credentials, string message)
    {
        var failure = ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = origin,
            ["Cors:AllowCredentials"] = credentials,
        });
        Assert.NotNull(failure);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_settings_hold_no_secret()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var secrets = Leaves(settings.RootElement, "")
            .Where(l => l.Path.Contains("secret", StringComparison.OrdinalIgnoreCase)
                || l.Path.Contains("password", StringComparison.OrdinalIgnoreCase)
                // A connection string may name a local server (--redis), never carry its password.
                || (l.Path.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) && l.Value?.Contains("password", StringComparison.OrdinalIgnoreCase) == true))
            .Where(l => !string.IsNullOrEmpty(l.Value))
            .ToList();
        Assert.Empty(secrets);
        // Users and clients with secrets are configured for Development only.
        Assert.DoesNotContain(Leaves(settings.RootElement, ""), l => l.Path.StartsWith("AuthorizationServer:Users", StringComparison.Ordinal) || l.Path.StartsWith("AuthorizationServer:Clients", StringComparison.Ordinal));
    }

    private static IEnumerable<(string Path, string? Value)> Leaves(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Name : $"{path}:{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Leaves(e, $"{path}:{i}")),
        _ => [(path, element.ValueKind == JsonValueKind.String ? element.GetString() : element.ToString())],
    };
}

/// <summary>Kestrel's limits and headers, on a real socket: the in-memory test server has neither.</summary>
public sealed class KestrelHardeningTests
{
    [Fact]
    public async Task No_Server_header_and_too_many_request_headers_get_431()
    {
        var port = Loopback.FreePort();
        await using var factory = KestrelHost.Start(port, new Dictionary<string, string?> { ["Http:MaxRequestHeaderCount"] = "20" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var ok = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Empty(ok.Headers.Server);

        using var crowded = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        for (var i = 0; i < 25; i++)
        {
            crowded.Headers.Add($"X-Filler-{i}", "x");
        }

        using var refused = await client.SendAsync(crowded);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task A_client_that_trickles_its_headers_is_cut_off_after_the_timeout()
    {
        var port = Loopback.FreePort();
        await using var factory = KestrelHost.Start(port, new Dictionary<string, string?> { ["Http:RequestHeadersTimeout"] = "00:00:02" });
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"));

        // Kestrel's own clock decides when: the test waits for the server to close the connection, and gives up
        // (the read is cancelled, failing the test) only after a deadline far past the 2 s timeout.
        using var bounded = new CancellationTokenSource(Eventually.Deadline);
        var answer = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, bounded.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // Closed by the server (read returned 0) with 408, not left open for the client to hold.
        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
    }
}
