using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Template.Infrastructure.Security.AuthorizationServer;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The embedded server as deployed: what Production refuses, tokens it did not issue, several instances on one
/// Redis, and the browser session login in a real process.
/// </summary>
public sealed class AuthorizationServerDeploymentTests
{
    [Theory]
    [InlineData("Development", "http://127.0.0.1:6001", null, "http://127.0.0.1:6001/")]
    [InlineData("Development", "http://*:6002;https://*:6003", null, "http://localhost:6002/")]
    [InlineData("Development", "http://0.0.0.0:6004", null, "http://localhost:6004/")]
    [InlineData("Development", null, "6005", "http://localhost:6005/")]
    [InlineData("Development", null, null, "http://localhost:5000/")]
    [InlineData("Production", "http://127.0.0.1:6001", null, null)]
    public void An_empty_issuer_follows_the_address_the_service_listens_on_in_development_only(
        string environment, string? urls, string? ports, string? issuer)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["http_ports"] = ports })
            .Build();
        var options = new AuthorizationServerOptions();
        options.FollowTheServedAddress(configuration, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });
        Assert.Equal(issuer, options.Issuer?.AbsoluteUri);
    }

    [Theory]
    [InlineData("AuthorizationServer:SigningCertificatePath", "", "development certificate")]
    [InlineData("AuthorizationServer:Issuer", "", "AuthorizationServer:Issuer must be")]
    [InlineData("AuthorizationServer:Issuer", "http://orders.example.com/", "must use https")]
    [InlineData("AuthorizationServer:Users:0:Id", "alice", "AuthorizationServer:Users lists development users")]
    [InlineData("AuthorizationServer:Clients:0:ClientSecret", "dev-secret-service-client-change-me", "uses a development default")]
    [InlineData("AuthorizationServer:Clients:0:ClientSecret", "short-secret", "shorter than 32 characters")]
    [InlineData("AuthorizationServer:ApiReferenceClient", "service", "AuthorizationServer:ApiReferenceClient 'service' must name a public client")]
    public void Production_refuses_to_start_with_what_is_only_fit_for_development(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthorizationServer:Clients:0:ClientId"] = "service",
            ["AuthorizationServer:Clients:0:ClientSecret"] = "a-real-secret-from-the-environment-0123456789",
            ["AuthorizationServer:Clients:0:Grants:0"] = "client_credentials",
            [key] = value,
        };
        if (key.StartsWith("AuthorizationServer:Users", StringComparison.Ordinal))
        {
            settings["AuthorizationServer:Users:0:Password"] = "pw";
        }

        var failure = ServiceFixture.ValidateSettings("Production", settings);
        Assert.NotNull(failure);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_refuses_the_development_secret_of_the_browser_session()
    {
        var failure = ServiceFixture.ValidateSettings("Production", new Dictionary<string, string?>
        {
            ["BrowserSession:Enabled"] = "true",
            ["BrowserSession:ClientSecret"] = "dev-secret-browser-session-change-me",
        });
        Assert.NotNull(failure);
        Assert.Contains("BrowserSession:ClientSecret is the development default", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_development_secrets_shipped_in_settings_are_the_ones_production_refuses()
    {
        var shipped = Regex.Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json")), "\"(?:Client)?Secret\": \"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(shipped);
        Assert.Subset(Template.Infrastructure.Security.DevelopmentSecrets.All.ToHashSet(), shipped);
    }

    [Fact]
    public async Task Tokens_the_embedded_server_did_not_issue_as_access_tokens_are_refused()
    {
        await using var host = await ServiceFixture.StartAsync("Development");
        using var flow = OAuthFlow.For(host);
        var tokens = await flow.SignInAsync("alice", "alice-dev-password");
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        await CallMeAsync(host, accessToken, 200);

        var forged = new JwtSecurityTokenHandler().CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost:5080/",
            Audience = "api",
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(FakeAuthority.NewKey(), SecurityAlgorithms.RsaSha256),
        });
        await CallMeAsync(host, forged, 401);
        // An identity token is signed by the same key, but it is not an access token (typ JWT, audience the client).
        await CallMeAsync(host, tokens.GetProperty("id_token").GetString()!, 401);
        await CallMeAsync(host, FakeAuthority.Tamper(accessToken, "bob"), 401);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task On_one_redis_a_code_issued_by_one_instance_is_redeemed_once_by_any()
    {
        await using var instances = await TwoInstances.StartAsync();
        var (a, b, atA, atB) = (instances.A, instances.B, instances.AtA, instances.AtB);

        var (verifier, challenge) = OAuthFlow.Pkce();
        var code = OAuthFlow.QueryValue(await atA.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge), "alice", "alice-dev-password"), "code")!;
        var (redeemed, tokens) = await atB.TokenAsync(OAuthFlow.CodeRedemption(code, verifier));
        Assert.Equal(HttpStatusCode.OK, redeemed);
        await CallMeAsync(a, tokens.GetProperty("access_token").GetString()!, 200);

        var (replayed, _) = await atA.TokenAsync(OAuthFlow.CodeRedemption(code, verifier));
        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        // The replay revoked what the code gave, on every instance.
        await CallMeAsync(b, tokens.GetProperty("access_token").GetString()!, 401);
        var (refreshed, _) = await atB.TokenAsync(OAuthFlow.Refresh(tokens.GetProperty("refresh_token").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task One_code_redeemed_on_two_instances_at_once_gives_tokens_once()
    {
        await using var instances = await TwoInstances.StartAsync();
        var (verifier, challenge) = OAuthFlow.Pkce();
        var code = OAuthFlow.QueryValue(
            await instances.AtA.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge), "alice", "alice-dev-password"), "code")!;
        var results = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => (i % 2 == 0 ? instances.AtA : instances.AtB).TokenAsync(OAuthFlow.CodeRedemption(code, verifier))));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task One_refresh_token_presented_to_two_instances_at_once_gives_tokens_once()
    {
        await using var instances = await TwoInstances.StartAsync();
        var (a, b, atA, atB) = (instances.A, instances.B, instances.AtA, instances.AtB);

        var refreshToken = (await atA.SignInAsync("alice", "alice-dev-password")).GetProperty("refresh_token").GetString()!;
        var results = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => (i % 2 == 0 ? atA : atB).TokenAsync(OAuthFlow.Refresh(refreshToken))));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task While_the_database_is_down_a_token_is_answered_503_not_401_and_works_again_after()
    {
        var redis = await RedisServer.RequireSharedAsync();
        await using var postgres = await PostgresServer.StartOwnAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        settings["ConnectionStrings:Postgres"] = postgres.NewDatabase();
        await using var host = await ServiceFixture.StartAsync("Development", settings);
        using var flow = OAuthFlow.For(host);
        async Task<string> NewTokenAsync() =>
            (await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""))).Body.GetProperty("access_token").GetString()!;
        var token = await NewTokenAsync();
        var unseen = await NewTokenAsync();
        await CallMeAsync(host, token, 200);

        await postgres.StopAsync();
        await host.WaitForStatusAsync("/health/ready", 503);
        // A token whose status is not remembered cannot be checked; one used a moment ago still can.
        var during = await flow.SendAsync(HttpMethod.Get, ProbeEndpoints.Me, bearer: unseen);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(during.Headers.RetryAfter);

        await CallMeAsync(host, token, 200);

        await postgres.StartAsync();
        await host.WaitForStatusAsync("/health/ready", 200, within: TimeSpan.FromSeconds(90));
        await CallMeAsync(host, unseen, 200);
    }

    [Fact]
    public async Task A_token_status_is_remembered_until_any_token_changes()
    {
        var database = TestDatabases.Sqlite();
        await using var host = await ServiceFixture.StartAsync(
            "Development", new Dictionary<string, string?> { ["ConnectionStrings:Sqlite"] = database });
        using var flow = OAuthFlow.For(host);
        var (_, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""));
        var token = body.GetProperty("access_token").GetString()!;
        var other = (await flow.SignInAsync("alice", "alice-dev-password")).GetProperty("access_token").GetString()!;
        await CallMeAsync(host, token, 200);

        // Revoked behind the service's back: the status it remembers still answers, no database read.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(database))
        {
            await connection.OpenAsync();
            await using var revoke = connection.CreateCommand();
            revoke.CommandText = "UPDATE \"OpenIddictTokens\" SET \"Status\" = 'revoked' WHERE \"Id\" = $id";
            revoke.Parameters.AddWithValue("$id", new JwtSecurityTokenHandler().ReadJwtToken(token).Claims
                .Single(c => c.Type == OpenIddictConstants.Claims.Private.TokenId).Value);
            Assert.Equal(1, await revoke.ExecuteNonQueryAsync());
        }

        await CallMeAsync(host, token, 200);

        // Any change to the tokens through the service, here another token revoked, makes it read them again.
        var revoked = await flow.SendAsync(HttpMethod.Post, "/connect/revoke",
            new Dictionary<string, string> { ["token"] = other, ["client_id"] = OAuthFlow.PublicClient });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await CallMeAsync(host, token, 401);
    }

    [SkippableFact]
    [Slow(Suite.Redis)]
    public async Task A_token_revoked_on_one_instance_is_refused_at_once_by_another_that_had_accepted_it()
    {
        await using var instances = await TwoInstances.StartAsync();
        var accessToken = (await instances.AtA.SignInAsync("alice", "alice-dev-password"))
            .GetProperty("access_token").GetString()!;
        // Both accept it, so both remember it as valid.
        await CallMeAsync(instances.A, accessToken, 200);
        await CallMeAsync(instances.B, accessToken, 200);

        var revoked = await instances.AtA.SendAsync(HttpMethod.Post, "/connect/revoke",
            new Dictionary<string, string> { ["token"] = accessToken, ["client_id"] = OAuthFlow.PublicClient });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await CallMeAsync(instances.A, accessToken, 401);
        // B hears of the change through Redis, long before its remembered status would expire (30 s).
        await Eventually.HoldsAsync(
            async () => (await instances.AtB.SendAsync(HttpMethod.Get, ProbeEndpoints.Me, bearer: accessToken))
                .StatusCode == HttpStatusCode.Unauthorized,
            () => "The other instance still accepted the revoked token.", within: TimeSpan.FromSeconds(10));
    }

    [Fact]
    [Slow(Suite.Process)]
    public async Task The_browser_session_login_ends_in_an_http_only_cookie_that_the_service_accepts_until_logout()
    {
        var port = Loopback.FreePort();
        var origin = $"http://127.0.0.1:{port}";
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["AuthorizationServer:Issuer"] = origin + "/",
            ["AuthorizationServer:Clients:2:RedirectUris:0"] = origin + "/auth/callback",
            ["AuthorizationServer:Clients:2:PostLogoutRedirectUris:0"] = origin + "/auth/signed-out",
        }, environment: "Development", port: port);
        using var live = await service.WaitUntilLiveAsync();

        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(origin), Timeout = TimeSpan.FromSeconds(30) };

        // /auth/login → /connect/authorize → the login page.
        var loginPage = await browser.GetAsync(new Uri("/auth/login?returnUrl=%2Fjobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, loginPage.StatusCode);
        var html = await loginPage.Content.ReadAsStringAsync();
        var form = OAuthFlow.HiddenFormFields(html);
        form["username"] = "admin";
        form["password"] = "admin-dev-password";

        // Signing in goes back through /connect/authorize to /auth/callback, which redeems the code (with PKCE and
        // the client secret) and sets the session cookie, then on to the page asked for.
        using var content = new FormUrlEncodedContent(form);
        var landed = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        // The jobs dashboard is for admins: the session carries the user's roles from the identity token.
        Assert.Equal("/jobs", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Hangfire", await landed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var session = cookies.GetAllCookies().Single(c => c.Name == "session");
        Assert.True(session.HttpOnly);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Value.Contains("eyJ", StringComparison.Ordinal) && c.Name != "session" && !c.Name.StartsWith("session", StringComparison.Ordinal));

        // Logging out changes state: without the antiforgery token from the XSRF-TOKEN cookie it is refused.
        using (var forged = await browser.PostAsync(new Uri("/auth/logout", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Contains("urn:problem-type:csrf", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "session" && !c.Expired);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/logout", UriKind.Relative));
        request.Headers.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(cookies.GetAllCookies().Single(c => c.Name == "XSRF-TOKEN").Value));
        using var logout = await browser.SendAsync(request);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "session" && !c.Expired);
        var after = await browser.GetAsync(new Uri("/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_hourly_prune_job_removes_tokens_and_grants_that_can_no_longer_be_used()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceFixture.StartAsync("Development", services: s => s.AddSingleton<TimeProvider>(clock));
        using var flow = OAuthFlow.For(host);
        var signedIn = await flow.SignInAsync("alice", "alice-dev-password");
        await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""));
        var refreshToken = signedIn.GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await flow.TokenAsync(OAuthFlow.Refresh(refreshToken))).Status);
        var (tokens, authorizations) = await CountRecordsAsync(host);
        Assert.True(tokens >= 5, $"{tokens} tokens");
        Assert.Equal(1, authorizations);

        // Nothing is removed while it may still be presented (and recognised as a replay).
        await PruneAsync(host);
        Assert.Equal((tokens, authorizations), await CountRecordsAsync(host));

        // Reuse of the first refresh token revokes alice's whole grant: none of it can be used any more.
        Assert.Equal(HttpStatusCode.BadRequest, (await flow.TokenAsync(OAuthFlow.Refresh(refreshToken))).Status);
        clock.Advance(TimeSpan.FromDays(30));
        await PruneAsync(host);
        // What is left is the client's access token, which may still be used: it has not expired (OpenIddict's stores
        // judge expiry by the real clock).
        Assert.Equal((1, 0), await CountRecordsAsync(host));
    }

    private static async Task<(long Tokens, long Authorizations)> CountRecordsAsync(IAlbaHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync(),
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CountAsync());
    }

    private static async Task PruneAsync(IAlbaHost host)
    {
        // As the hourly job runs it: the system principal with only the prune ability.
        await using var scope = host.Services.CreateAsyncScope();
        await ActivatorUtilities.CreateInstance<Template.Infrastructure.Jobs.JobCommandRunner>(scope.ServiceProvider)
            .RunAsync(new PruneAuthorizationRecordsCommand(), CancellationToken.None);
    }

    private static Task<string> CallMeAsync(IAlbaHost host, string accessToken, int status) => OAuthFlow.CallMeAsync(host, accessToken, status);

    /// <summary>Two instances of one service: one PostgreSQL database, one Redis prefix.</summary>
    private sealed record TwoInstances(IAlbaHost A, IAlbaHost B, OAuthFlow AtA, OAuthFlow AtB) : IAsyncDisposable
    {
        public static async Task<TwoInstances> StartAsync()
        {
            var redis = await RedisServer.RequireSharedAsync();
            var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
            var a = await ServiceFixture.StartAsync("Development", settings);
            var b = await ServiceFixture.StartAsync("Development", settings);
            return new TwoInstances(a, b, OAuthFlow.For(a), OAuthFlow.For(b));
        }

        public async ValueTask DisposeAsync()
        {
            AtA.Dispose();
            AtB.Dispose();
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}
