using System.Net;
using System.Text.Json;
using Template.Infrastructure.Jobs;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The caller named by a gateway (<c>Gateway</c> section), in Production where the development header is off: believed
/// only on a connection from a trusted gateway, whatever X-Forwarded-For says, and refused otherwise.
/// </summary>
public sealed class GatewayIdentityTests(GatewayIdentityTests.TrustedGatewayHost trusted) : IClassFixture<GatewayIdentityTests.TrustedGatewayHost>
{
    private const string Gateway = "10.1.2.3";

    /// <summary>One host, in Production, that trusts <see cref="Gateway"/>, for the tests that need nothing else.</summary>
    public sealed class TrustedGatewayHost : IAsyncLifetime
    {
        public IAlbaHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StartAsync(new() { ["Gateway:TrustedGateways:0"] = Gateway });

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    [Fact]
    public async Task A_caller_named_by_a_trusted_gateway_is_that_caller_and_nobody_named_is_anonymous()
    {
        await using var host = await StartAsync(new() { ["Gateway:TrustedGateways:0"] = "10.1.2.0/24" });

        var named = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, "::ffff:" + Gateway);
            s.WithRequestHeader("X-Forwarded-User", "alice");
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal("alice", JsonSerializer.Deserialize<string>(await named.ReadAsTextAsync()));

        var nobody = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, Gateway);
            s.StatusCodeShouldBe(401);
        });
        await nobody.ReadProblemAsync(401);
    }

    [Theory]
    [InlineData("10.9.9.9", "alice", 1)]
    [InlineData(Gateway, "alice", 2)]
    public async Task The_header_from_a_connection_that_is_not_a_gateway_or_sent_twice_is_401(string peer, string user, int times)
    {
        var host = trusted.Host;
        var result = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, peer);
            s.ConfigureHttpContext(c => c.Request.Headers["X-Forwarded-User"] = new Microsoft.Extensions.Primitives.StringValues(Enumerable.Repeat(user, times).ToArray()));
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
        Assert.False(result.Context.User.Identity?.IsAuthenticated ?? false);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_connection_not_X_Forwarded_For_decides_who_is_a_gateway()
    {
        // The gateway also sends X-Forwarded-For: its connection is still the one that vouches.
        await using var behindProxy = await StartAsync(new()
        {
            ["ForwardedHeaders:TrustedProxies:0"] = Gateway,
            ["Gateway:TrustedGateways:0"] = Gateway,
        });
        var vouched = await behindProxy.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, Gateway);
            s.WithRequestHeader("X-Forwarded-For", "203.0.113.9");
            s.WithRequestHeader("X-Forwarded-User", "alice");
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal(IPAddress.Parse("203.0.113.9"), vouched.Context.Connection.RemoteIpAddress);

        // A caller that claims, through a trusted proxy, to come from the gateway's address is not the gateway.
        await using var forged = await StartAsync(new()
        {
            ["ForwardedHeaders:TrustedProxies:0"] = "10.1.2.4",
            ["Gateway:TrustedGateways:0"] = Gateway,
        });
        await forged.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, "10.1.2.4");
            s.WithRequestHeader("X-Forwarded-For", Gateway);
            s.WithRequestHeader("X-Forwarded-User", "mallory");
            s.StatusCodeShouldBe(401);
        });
    }

    [Theory]
    [InlineData("admin", 200)]
    [InlineData("staff, admin", 200)]
    [InlineData("staff", 403)]
    [InlineData(null, 403)]
    public async Task Roles_come_from_the_groups_header(string? groups, int status)
    {
        var host = trusted.Host;
        await host.Scenario(s =>
        {
            s.Get.Url(JobsSetup.DashboardPath);
            FromPeer(s, Gateway);
            s.WithRequestHeader("X-Forwarded-User", "root");
            if (groups is not null)
            {
                s.WithRequestHeader("X-Forwarded-Groups", groups);
            }

            s.StatusCodeShouldBe(status);
        });
    }

    [Fact]
    public async Task The_header_names_are_settings()
    {
        await using var host = await StartAsync(new()
        {
            ["Gateway:TrustedGateways:0"] = Gateway,
            ["Gateway:UserHeader"] = "X-Auth-Request-User",
        });
        var result = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, Gateway);
            s.WithRequestHeader("X-Auth-Request-User", "carol");
            s.WithRequestHeader("X-Forwarded-User", "mallory");
            s.StatusCodeShouldBeOk();
        });
        Assert.Equal("carol", JsonSerializer.Deserialize<string>(await result.ReadAsTextAsync()));
    }

    [Fact]
    public async Task Without_trusted_gateways_the_header_names_nobody()
    {
        await using var host = await StartAsync([]);
        await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            FromPeer(s, Gateway);
            s.WithRequestHeader("X-Forwarded-User", "alice");
            s.StatusCodeShouldBe(401);
        });
    }

    [Theory]
    [InlineData("cross-site", 403)]
    [InlineData("same-origin", 200)]
    [InlineData(null, 200)]
    public async Task A_browser_request_from_another_site_with_a_gateway_identity_is_refused(string? fetchSite, int status)
    {
        var host = trusted.Host;
        var result = await host.Scenario(s =>
        {
            s.Post.Url(ProbeEndpoints.Me);
            FromPeer(s, Gateway);
            s.WithRequestHeader("X-Forwarded-User", "alice");
            if (fetchSite is not null)
            {
                s.WithRequestHeader("Sec-Fetch-Site", fetchSite);
            }

            s.StatusCodeShouldBe(status);
        });
        if (status == 403)
        {
            var problem = await result.ReadProblemAsync(403);
            Assert.Equal("urn:problem-type:csrf", problem.GetProperty("type").GetString());
        }
    }

    [Theory]
    [InlineData("Gateway:TrustedGateways:0", "gateway.internal", "Gateway:TrustedGateways")]
    [InlineData("Gateway:RolesHeader", "X-Forwarded-User", "Gateway:UserHeader")]
    public void A_bad_gateway_setting_fails_start_up_validation_naming_the_key(string key, string value, string named)
    {
        var failure = ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?> { [key] = value });
        Assert.NotNull(failure);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_real_socket_the_loopback_gateway_is_recognised()
    {
        var port = Loopback.FreePort();
        await using var factory = KestrelHost.Start(port, new Dictionary<string, string?>
        {
            ["Gateway:TrustedGateways:0"] = "127.0.0.1",
            ["Authentication:Development:Enabled"] = "false",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, ProbeEndpoints.Me);
        request.Headers.Add("X-Forwarded-User", "alice");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"alice\"", await response.Content.ReadAsStringAsync());
    }

    private static Task<IAlbaHost> StartAsync(Dictionary<string, string?> settings) => ServiceFixture.StartAsync("Production", settings);

    private static void FromPeer(Scenario scenario, string address) =>
        scenario.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
}
