using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Areas;
using Template.Infrastructure.RateLimiting;
using Template.Infrastructure.Security;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure.RateLimiting;

/// <summary>Rate limits over HTTP: headers, the 429 answer, who is counted, configuration mistakes, Redis across instances.</summary>
public sealed class RateLimitingTests
{
    private static Dictionary<string, string?> GlobalLimit(int permits, string kind = "FixedWindow") => new()
    {
        ["RateLimiting:GlobalPolicy"] = "per-caller",
        ["RateLimiting:Policies:per-caller:Kind"] = kind,
        ["RateLimiting:Policies:per-caller:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:Policies:per-caller:Window"] = "00:10:00",
        ["RateLimiting:Policies:per-caller:SegmentsPerWindow"] = "10",
    };

    [Fact]
    public async Task A_caller_past_the_limit_gets_429_problem_json_with_retry_after()
    {
        await using var host = await ServiceFixture.StartAsync("Development", GlobalLimit(3));
        for (var i = 0; i < 3; i++)
        {
            await host.Scenario(s => s.As("alice").Get.Url(ProbeEndpoints.Me));
        }

        var refused = await host.Scenario(s =>
        {
            s.As("alice").Get.Url(ProbeEndpoints.Me);
            s.StatusCodeShouldBe(429);
        });
        var problem = await refused.ReadProblemAsync(429);
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
        var retryAfter = int.Parse(refused.Context.Response.Headers.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);

        // Another caller has counters of its own; health probes are never limited.
        await host.Scenario(s => s.As("bob").Get.Url(ProbeEndpoints.Me));
        for (var i = 0; i < 5; i++)
        {
            await host.Scenario(s => s.Get.Url("/health/live"));
        }
    }

//#if (auth == "embedded")
    [Fact]
    public async Task The_token_endpoint_is_limited_before_the_client_secret_is_checked()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["RateLimiting:Policies:credentials:PermitLimit"] = "2",
            ["RateLimiting:Policies:per-caller:PermitLimit"] = "1000",
        });
        using var flow = OAuthFlow.For(host);
        for (var i = 0; i < 2; i++)
        {
            var (status, _) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: "", secret: "guess-" + i));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, status);
        }

        var (limited, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal(429, body.GetProperty("status").GetInt32());
    }

//#endif
    [Fact]
    public async Task Without_trusted_proxies_a_forged_forwarded_for_cannot_buy_fresh_counters()
    {
        await using var host = await ServiceFixture.StartAsync("Development", GlobalLimit(2));
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var result = await host.Scenario(s =>
            {
                s.Get.Url("/_probe/query?page=1");
                s.WithRequestHeader("X-Forwarded-For", $"203.0.113.{i}");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.7"));
                s.IgnoreStatusCode();
            });
            statuses.Add(result.Context.Response.StatusCode);
        }

        Assert.Equal([200, 200, 429, 429], statuses);
        // Another address is another caller.
        await host.Scenario(s =>
        {
            s.Get.Url("/_probe/query?page=1");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.8"));
        });
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_is_counted_and_an_untrusted_sender_is_not_believed()
    {
        var settings = GlobalLimit(1);
        settings["ForwardedHeaders:TrustedProxies:0"] = "10.0.0.0/8";
        await using var host = await ServiceFixture.StartAsync("Development", settings);

        Task<int> SendAsync(string peer, string forwardedFor) => host.Scenario(s =>
        {
            s.Get.Url("/_probe/query?page=1");
            s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(peer));
            s.IgnoreStatusCode();
        }).ContinueWith(t => t.Result.Context.Response.StatusCode, TaskScheduler.Default);

        Assert.Equal(200, await SendAsync("10.1.2.3", "203.0.113.1"));
        Assert.Equal(200, await SendAsync("10.1.2.3", "203.0.113.2"));
        Assert.Equal(429, await SendAsync("10.9.9.9", "203.0.113.1"));
        // Not a trusted proxy: its header is ignored and it is counted as itself.
        Assert.Equal(200, await SendAsync("192.0.2.50", "203.0.113.3"));
        Assert.Equal(429, await SendAsync("192.0.2.50", "203.0.113.4"));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    public void Addresses_are_counted_by_client_and_an_IPv6_client_by_its_64_bit_prefix(string a, string b, bool same) =>
        Assert.Equal(same, RateLimitingSetup.AddressPartition(IPAddress.Parse(a)) == RateLimitingSetup.AddressPartition(IPAddress.Parse(b)));

    // Only a request that carries a credential is authenticated before the limiter; the others are counted by address.
    [Theory]
    [InlineData("bearer", "Authorization", true)]
    [InlineData("bearer", "Cookie", false)]
    [InlineData("session", "Cookie", true)]
    [InlineData("session", "Authorization", false)]
    [InlineData("development", "X-Dev-User", true)]
    [InlineData("development", "X-Forwarded-For", false)]
    [InlineData("gateway", "X-Gateway-User", true)]
    [InlineData("gateway", "Authorization", false)]
    public void A_request_carries_a_credential_only_in_a_header_a_configured_scheme_reads(
        string scheme, string header, bool carries)
    {
        var features = new SecurityFeatures(
            BearerTokens: scheme == "bearer",
            EmbeddedServer: false,
            BrowserSession: scheme == "session",
            DevelopmentHeader: scheme == "development",
            GatewayUserHeader: scheme == "gateway" ? "X-Gateway-User" : null);
        var context = new DefaultHttpContext();
        Assert.False(features.CarriesCredential(context.Request));
        context.Request.Headers[header] = "value";
        Assert.Equal(carries, features.CarriesCredential(context.Request));
    }

    [Theory]
    [InlineData("RateLimiting:GlobalPolicy", "missing", "RateLimiting:GlobalPolicy names 'missing'")]
    [InlineData("RateLimiting:Policies:strict:PermitLimit", "0", "RateLimiting:Policies:strict:PermitLimit must be at least 1")]
    [InlineData("RateLimiting:Policies:per-caller:ReplenishmentPeriod", "00:00:00", "RateLimiting:Policies:per-caller: TokensPerPeriod")]
    [InlineData("ForwardedHeaders:TrustedProxies:0", "proxy.internal", "ForwardedHeaders:TrustedProxies")]
    public void A_setting_that_cannot_work_stops_the_start_with_its_name(string key, string value, string message)
    {
        var failure = ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?> { [key] = value });
        Assert.NotNull(failure);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_asking_for_a_policy_that_is_not_configured_stops_the_start()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ServiceFixture.StartAsync("Development", services: s => s.AddEndpoint<UnknownPolicyEndpoint>()));
        Assert.Contains("'no-such-policy'", failure.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task Two_instances_on_one_Redis_enforce_one_limit_together()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        foreach (var (key, value) in GlobalLimit(20, kind: "SlidingWindow"))
        {
            settings[key] = value;
        }

        await using var first = await ServiceFixture.StartAsync("Development", settings);
        await using var second = await ServiceFixture.StartAsync("Development", settings);
        var burst = Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? first : second).Scenario(s =>
        {
            s.As("alice").Get.Url(ProbeEndpoints.Me);
            s.IgnoreStatusCode();
        }));
        var statuses = (await Task.WhenAll(burst)).Select(r => r.Context.Response.StatusCode).ToList();

        var admitted = statuses.Count(s => s == 200);
        Assert.InRange(admitted, 20, 21);
        // Every refusal is a 429; counted apart, each instance would have admitted 20 on its own.
        Assert.Equal(60 - admitted, statuses.Count(s => s == 429));
    }

    private sealed class UnknownPolicyEndpoint : IEndpoint
    {
        public static void Map(IEndpointRouteBuilder app) =>
            app.MapGet("/_probe/limited", () => "x").RequireRateLimiting("no-such-policy");
    }
}
