using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The embedded authorization server end to end over HTTP, in both modes (<see cref="AuthorizationServerTestsInMemory"/>,
/// <see cref="AuthorizationServerTestsOnRedis"/>): every grant, PKCE, single-use codes, refresh rotation and reuse
/// detection, revocation, userinfo, logout and the login page.
/// </summary>
public abstract class AuthorizationServerTests(IServiceHostFixture service)
{
    private IAlbaHost Host => service.Host;

    [SkippableFact]
    public async Task Client_credentials_give_an_access_token_that_reaches_a_protected_endpoint_as_the_client()
    {
        using var flow = OAuthFlow.For(Host);
        var (status, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""));
        Assert.Equal(HttpStatusCode.OK, status);
        var accessToken = body.GetProperty("access_token").GetString()!;
        var jwt = new JwtSecurityTokenHandler().ReadJwtToken(accessToken);
        Assert.Equal("at+jwt", jwt.Header.Typ);
        Assert.Equal("RS256", jwt.Header.Alg);
        Assert.Contains("api", jwt.Audiences);
        Assert.False(body.TryGetProperty("refresh_token", out _));

        Assert.Equal("\"service-client\"", await CallMeAsync(accessToken, 200));
    }

    [SkippableFact]
    public async Task A_wrong_client_secret_gets_no_token()
    {
        using var flow = OAuthFlow.For(Host);
        var (status, body) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: "", secret: "not-the-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [SkippableFact]
    public async Task The_code_flow_signs_in_on_the_login_page_and_its_refresh_tokens_rotate_and_cannot_be_reused()
    {
        using var flow = OAuthFlow.For(Host);
        var tokens = await flow.SignInAsync("alice", "alice-dev-password");
        Assert.Equal("\"alice\"", await CallMeAsync(tokens.GetProperty("access_token").GetString()!, 200));
        var idToken = new JwtSecurityTokenHandler().ReadJwtToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal("alice", idToken.Subject);
        Assert.Equal("Alice", idToken.Claims.Single(c => c.Type == "name").Value);

        var first = tokens.GetProperty("refresh_token").GetString()!;
        var (status, rotated) = await flow.TokenAsync(OAuthFlow.Refresh(first));
        Assert.Equal(HttpStatusCode.OK, status);
        var second = rotated.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal("\"alice\"", await CallMeAsync(rotated.GetProperty("access_token").GetString()!, 200));

        // The old refresh token is refused, and presenting it revokes the whole grant, the new one included.
        var (reusedStatus, reused) = await flow.TokenAsync(OAuthFlow.Refresh(first));
        Assert.Equal(HttpStatusCode.BadRequest, reusedStatus);
        Assert.Equal("invalid_grant", reused.GetProperty("error").GetString());
        var (afterReuse, _) = await flow.TokenAsync(OAuthFlow.Refresh(second));
        Assert.Equal(HttpStatusCode.BadRequest, afterReuse);
        await CallMeAsync(rotated.GetProperty("access_token").GetString()!, 401);
    }

    [SkippableFact]
    public async Task A_replayed_code_is_refused_and_revokes_the_tokens_issued_from_it()
    {
        using var flow = OAuthFlow.For(Host);
        var (verifier, challenge) = OAuthFlow.Pkce();
        var redirect = await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge), "alice", "alice-dev-password");
        Assert.StartsWith(OAuthFlow.PublicRedirect, redirect.OriginalString, StringComparison.Ordinal);
        Assert.Equal("state-123", OAuthFlow.QueryValue(redirect, "state"));
        var code = OAuthFlow.QueryValue(redirect, "code")!;

        var (status, tokens) = await flow.TokenAsync(OAuthFlow.CodeRedemption(code, verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        await CallMeAsync(accessToken, 200);

        var (replayStatus, replay) = await flow.TokenAsync(OAuthFlow.CodeRedemption(code, verifier));
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        var (refreshStatus, _) = await flow.TokenAsync(OAuthFlow.Refresh(tokens.GetProperty("refresh_token").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        await CallMeAsync(accessToken, 401);
    }

    [SkippableFact]
    public async Task Two_redemptions_of_one_code_at_the_same_time_give_tokens_once()
    {
        using var flow = OAuthFlow.For(Host);
        var (verifier, challenge) = OAuthFlow.Pkce();
        var code = OAuthFlow.QueryValue(await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge), "alice", "alice-dev-password"), "code")!;
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => flow.TokenAsync(OAuthFlow.CodeRedemption(code, verifier))));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
    }

    [SkippableFact]
    public async Task Concurrent_uses_of_one_refresh_token_give_tokens_once()
    {
        using var flow = OAuthFlow.For(Host);
        var signedIn = await flow.SignInAsync("alice", "alice-dev-password");
        var refreshToken = signedIn.GetProperty("refresh_token").GetString()!;
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => flow.TokenAsync(OAuthFlow.Refresh(refreshToken))));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
    }

    [SkippableTheory]
    [InlineData(null, "'code_challenge' parameter is missing")]
    [InlineData("plain", "'code_challenge_method' is not supported")]
    public async Task The_code_flow_requires_pkce_with_s256(string? method, string complaint)
    {
        var url = method is null ? OAuthFlow.AuthorizeUrl(challenge: null) : OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Verifier, method);
        var location = await ReturnedErrorAsync(url);
        Assert.Equal("invalid_request", OAuthFlow.QueryValue(location, "error"));
        Assert.Contains(complaint, OAuthFlow.QueryValue(location, "error_description"), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("&scope=orders.delete", "invalid_scope")]
    [InlineData("&response_type=id_token", "unsupported_response_type")]
    [InlineData("&prompt=consent", "invalid_request")]
    public async Task Errors_in_a_request_of_a_known_client_go_back_to_its_address_with_state_and_iss(string change, string error)
    {
        // The later of two values for one parameter would be ambiguous; the URL is built without the one changed.
        var name = change[1..change.IndexOf('=', StringComparison.Ordinal)];
        var url = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/authorize",
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge)).Query)
                .Where(p => p.Key != name).ToDictionary(p => p.Key, p => (string?)p.Value.ToString())) + change;
        var location = await ReturnedErrorAsync(url);
        Assert.Equal(error, OAuthFlow.QueryValue(location, "error"));
    }

    [SkippableTheory]
    [InlineData("&prompt=login")]
    [InlineData("&max_age=0")]
    public async Task Prompt_login_and_an_exceeded_max_age_ask_for_the_password_once_and_the_id_token_says_when(string ask)
    {
        using var flow = OAuthFlow.For(Host);
        await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge), "alice", "alice-dev-password");

        // Signed in already, yet sent to the login page; after it, back to the client with a code, not round again.
        var (verifier, challenge) = OAuthFlow.Pkce();
        var again = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(challenge) + ask);
        Assert.Contains("/account/login", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var back = await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge) + ask, "alice", "alice-dev-password");
        Assert.StartsWith(OAuthFlow.PublicRedirect, back.ToString(), StringComparison.Ordinal);

        var (status, body) = await flow.TokenAsync(OAuthFlow.CodeRedemption(OAuthFlow.QueryValue(back, "code")!, verifier));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var idToken = new JwtSecurityTokenHandler().ReadJwtToken(body.GetProperty("id_token").GetString());
        var authTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(idToken.Claims.Single(c => c.Type == "auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(authTime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [SkippableFact]
    public async Task A_loopback_redirect_address_is_accepted_on_any_port()
    {
        using var flow = OAuthFlow.For(Host);
        var (verifier, challenge) = OAuthFlow.Pkce();
        const string redirect = "http://127.0.0.1:49152/callback";
        var back = await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge, redirect: redirect), "alice", "alice-dev-password");
        Assert.StartsWith(redirect + "?", back.ToString(), StringComparison.Ordinal);
        var redemption = OAuthFlow.CodeRedemption(OAuthFlow.QueryValue(back, "code")!, verifier);
        redemption["redirect_uri"] = redirect;
        var (status, body) = await flow.TokenAsync(redemption);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        // Another path, or a host name rather than the address, is another address.
        foreach (var other in new[] { "http://127.0.0.1:49152/other", "http://localhost:49152/callback" })
        {
            var refused = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(challenge, redirect: other));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }

    private async Task<Uri> ReturnedErrorAsync(string url)
    {
        using var flow = OAuthFlow.For(Host);
        var response = await flow.SendAsync(HttpMethod.Get, url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // A token response type would have come back in the fragment, and so does its error.
        var location = new Uri(response.Headers.Location!.ToString().Replace('#', '?'));
        Assert.StartsWith(OAuthFlow.PublicRedirect + "?", location.ToString(), StringComparison.Ordinal);
        Assert.Equal("state-123", OAuthFlow.QueryValue(location, "state"));
        using var discovery = JsonDocument.Parse(await (await flow.SendAsync(HttpMethod.Get, "/.well-known/openid-configuration")).Content.ReadAsStringAsync());
        Assert.Equal(discovery.RootElement.GetProperty("issuer").GetString(), OAuthFlow.QueryValue(location, "iss"));
        return location;
    }

    [SkippableFact]
    public async Task A_code_redeemed_with_the_wrong_verifier_gives_no_token()
    {
        using var flow = OAuthFlow.For(Host);
        var (_, challenge) = OAuthFlow.Pkce();
        var code = OAuthFlow.QueryValue(await flow.AuthorizeAsync(OAuthFlow.AuthorizeUrl(challenge), "alice", "alice-dev-password"), "code")!;
        var (status, body) = await flow.TokenAsync(OAuthFlow.CodeRedemption(code, OAuthFlow.Pkce().Verifier));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [SkippableFact]
    public async Task A_redirect_address_the_client_did_not_register_is_refused_without_redirecting()
    {
        using var flow = OAuthFlow.For(Host);
        var response = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge, redirect: "https://attacker.example/steal"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
    }

    [SkippableFact]
    public async Task A_revoked_access_token_and_a_revoked_refresh_token_stop_working_at_once()
    {
        using var flow = OAuthFlow.For(Host);
        var tokens = await flow.SignInAsync("alice", "alice-dev-password");
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        // Accepted once first, so the bearer handler remembers it as validated: revocation must still win.
        await CallMeAsync(accessToken, 200);
        foreach (var token in new[] { accessToken, refreshToken })
        {
            var revoked = await flow.SendAsync(HttpMethod.Post, "/connect/revoke", new Dictionary<string, string> { ["token"] = token, ["client_id"] = OAuthFlow.PublicClient });
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        await CallMeAsync(accessToken, 401);
        var (status, _) = await flow.TokenAsync(OAuthFlow.Refresh(refreshToken));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [SkippableFact]
    public async Task Userinfo_answers_with_the_claims_the_granted_scopes_allow()
    {
        using var flow = OAuthFlow.For(Host);
        var tokens = await flow.SignInAsync("admin", "admin-dev-password", scope: "openid roles");
        var response = await flow.SendAsync(HttpMethod.Get, "/connect/userinfo", bearer: tokens.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var claims = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("admin", claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("admin", claims.RootElement.GetProperty("role")[0].GetString());
        Assert.False(claims.RootElement.TryGetProperty("name", out _));

        var anonymous = await flow.SendAsync(HttpMethod.Get, "/connect/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [SkippableFact]
    public async Task Logout_ends_the_sign_in_so_the_next_authorization_asks_for_the_password_again()
    {
        using var flow = OAuthFlow.For(Host);
        await flow.SignInAsync("alice", "alice-dev-password");
        var silent = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge));
        Assert.StartsWith(OAuthFlow.PublicRedirect, silent.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var logout = await flow.SendAsync(HttpMethod.Get, "/connect/logout");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var again = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge));
        Assert.Contains("/account/login", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_authorization_request_posted_as_a_form_comes_back_after_sign_in_with_its_parameters()
    {
        using var flow = OAuthFlow.For(Host);
        var (verifier, challenge) = OAuthFlow.Pkce();
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + OAuthFlow.AuthorizeUrl(challenge)).Query);
        var posted = await flow.SendAsync(HttpMethod.Post, "/connect/authorize", query.ToDictionary(q => q.Key, q => q.Value.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var signedIn = await flow.LogInAsync(posted.Headers.Location!, "alice", "alice-dev-password");
        var redirect = (await flow.SendAsync(HttpMethod.Get, signedIn.Headers.Location!.OriginalString)).Headers.Location!;
        var (status, _) = await flow.TokenAsync(OAuthFlow.CodeRedemption(OAuthFlow.QueryValue(redirect, "code")!, verifier));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [SkippableFact]
    public async Task Prompt_none_without_a_sign_in_answers_login_required()
    {
        using var flow = OAuthFlow.For(Host);
        var response = await flow.SendAsync(HttpMethod.Get, OAuthFlow.AuthorizeUrl(OAuthFlow.Pkce().Challenge) + "&prompt=none");
        Assert.Equal("login_required", OAuthFlow.QueryValue(response.Headers.Location!, "error"));
    }

    [SkippableFact]
    public async Task The_login_page_refuses_a_post_without_its_antiforgery_token()
    {
        using var flow = OAuthFlow.For(Host);
        var result = await Host.Scenario(s =>
        {
            s.Post.FormData(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-dev-password", ["returnUrl"] = "/" }).ToUrl("/account/login");
            s.StatusCodeShouldBe(403);
        });
        var problem = await result.ReadProblemAsync(403);
        Assert.Equal("urn:problem-type:csrf", problem.GetProperty("type").GetString());
        Assert.DoesNotContain(result.Context.Response.Headers.SetCookie, c => c!.StartsWith("signin=", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_wrong_password_shows_the_form_again_and_signs_nobody_in()
    {
        using var flow = OAuthFlow.For(Host);
        var response = await flow.LogInAsync(new Uri("/account/login?returnUrl=%2F", UriKind.Relative), "alice", "wrong");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The user name or password is wrong.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(flow.Cookies.ContainsKey("signin"));
    }

    [SkippableFact]
    public async Task After_signing_in_the_login_page_only_redirects_within_the_service()
    {
        using var flow = OAuthFlow.For(Host);
        var response = await flow.LogInAsync(new Uri("/account/login?returnUrl=https%3A%2F%2Fattacker.example%2F", UriKind.Relative), "alice", "alice-dev-password");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.True(flow.Cookies.ContainsKey("signin"));
    }

    [SkippableFact]
    public async Task Discovery_and_the_key_set_are_published()
    {
        using var flow = OAuthFlow.For(Host);
        using var discovery = JsonDocument.Parse(await (await flow.SendAsync(HttpMethod.Get, "/.well-known/openid-configuration")).Content.ReadAsStringAsync());
        Assert.Equal(["S256"], discovery.RootElement.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        // Only what the authorization endpoint honours is advertised.
        Assert.Equal(["login", "none"], discovery.RootElement.GetProperty("prompt_values_supported").EnumerateArray().Select(e => e.GetString()).Order());
        // Development's issuer is the address the service is told to listen on (no urls in a test host: Kestrel's).
        Assert.Equal("http://localhost:5000/", discovery.RootElement.GetProperty("issuer").GetString());
        using var keys = JsonDocument.Parse(await (await flow.SendAsync(HttpMethod.Get, "/.well-known/jwks")).Content.ReadAsStringAsync());
        Assert.NotEmpty(keys.RootElement.GetProperty("keys").EnumerateArray());
    }

    [SkippableFact]
    public async Task Discovery_names_its_endpoints_from_the_issuer_whatever_host_the_request_names()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/.well-known/openid-configuration");
            s.ConfigureHttpContext(context => context.Request.Host = new Microsoft.AspNetCore.Http.HostString("attacker.example"));
            s.StatusCodeShouldBe(200);
        });
        using var discovery = JsonDocument.Parse(await result.ReadAsTextAsync());
        var issuer = discovery.RootElement.GetProperty("issuer").GetString()!;
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "revocation_endpoint" })
        {
            Assert.StartsWith(issuer, discovery.RootElement.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }
    }

    private Task<string> CallMeAsync(string accessToken, int status) => OAuthFlow.CallMeAsync(Host, accessToken, status);
}

[Collection(SharedServiceHost.Name)]
public sealed class AuthorizationServerTestsInMemory(ServiceFixture service) : AuthorizationServerTests(service);

[Collection(SharedRedisServiceHost.Name)]
[Slow(Suite.Redis)]
public sealed class AuthorizationServerTestsOnRedis(RedisServiceFixture service) : AuthorizationServerTests(service);
