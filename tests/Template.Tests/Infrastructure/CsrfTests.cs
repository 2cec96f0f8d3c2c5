using System.Net;
using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// CSRF for cookie sessions, over real HTTP with a real browser session (login page, code flow, session cookie):
/// every state-changing method needs the antiforgery token of this session, and header credentials do not.
/// </summary>
public sealed class CsrfTests(BrowserSessionHost service) : IClassFixture<BrowserSessionHost>
{
    public static TheoryData<string> UnsafeMethods => new() { "POST", "PUT", "PATCH", "DELETE" };

    [Theory]
    [MemberData(nameof(UnsafeMethods))]
    public async Task A_cookie_request_without_a_token_is_refused_as_csrf(string method)
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            using var response = await browser.SendAsync(new HttpMethod(method), ProbeEndpoints.Me, json: new { note = "x" });
            await AssertCsrfAsync(response);
        }
    }

    [Theory]
    [MemberData(nameof(UnsafeMethods))]
    public async Task A_cookie_request_with_the_sessions_token_goes_through(string method)
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            using var response = await browser.SendAsync(new HttpMethod(method), ProbeEndpoints.Me, browser.XsrfToken, json: new { note = "x" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"alice\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_wrong_token_is_refused()
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            var token = browser.XsrfToken;
            using var garbage = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Me, "not-a-token");
            await AssertCsrfAsync(garbage);
            // One character changed: the token's signature no longer holds.
            var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
            using var altered = await browser.SendAsync(HttpMethod.Delete, ProbeEndpoints.Me, tampered);
            await AssertCsrfAsync(altered);
        }
    }

    [Fact]
    public async Task Another_sessions_token_is_refused_whoever_it_belongs_to()
    {
        var (alice, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        var (bob, _) = await SessionBrowser.SignInAsync(service.Origin, "bob");
        var (aliceElsewhere, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (alice)
        using (bob)
        using (aliceElsewhere)
        {
            using var bobs = await alice.SendAsync(HttpMethod.Post, ProbeEndpoints.Me, bob.XsrfToken);
            await AssertCsrfAsync(bobs);
            // The same user's token from another browser does not match this browser's antiforgery cookie.
            using var hers = await alice.SendAsync(HttpMethod.Delete, ProbeEndpoints.Me, aliceElsewhere.XsrfToken);
            await AssertCsrfAsync(hers);
        }
    }

    [Fact]
    public async Task A_cross_site_request_is_refused_even_with_the_right_token()
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            using var crossSite = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Me, browser.XsrfToken,
                headers: new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" });
            var problem = await AssertCsrfAsync(crossSite);
            Assert.Contains("Sec-Fetch-Site", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

            using var sameOrigin = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Me, browser.XsrfToken,
                headers: new Dictionary<string, string> { ["Sec-Fetch-Site"] = "same-origin" });
            Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        }
    }

    [Fact]
    public async Task The_token_cookie_is_readable_by_scripts_and_kept_to_this_site()
    {
        var (browser, landed) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            var header = landed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal));
            Assert.DoesNotContain("httponly", header, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(browser.Cookies.GetAllCookies(), c => c.Name == "antiforgery" && c.HttpOnly);
        }
    }

    [Fact]
    public async Task A_bearer_request_needs_no_token_even_beside_a_session_cookie()
    {
        using var flow = new OAuthFlow(new HttpClient { BaseAddress = service.Origin });
        var (_, tokens) = await flow.TokenAsync(OAuthFlow.ClientCredentials(scope: ""));
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            using var response = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Me,
                headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + tokens.GetProperty("access_token").GetString() });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"service-client\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_header_that_does_not_authenticate_the_request_does_not_exempt_the_session_cookie()
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            // The session cookie still authenticates this request, so it is still checked.
            using var response = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Me,
                headers: new Dictionary<string, string> { ["Authorization"] = "Basic YWxpY2U6eA==" });
            await AssertCsrfAsync(response);
        }
    }

    [Fact]
    public async Task An_excluded_path_takes_cookie_requests_without_a_token_and_others_do_not()
    {
        var (browser, _) = await SessionBrowser.SignInAsync(service.Origin, "alice");
        using (browser)
        {
            using var webhook = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Webhook);
            Assert.Equal(HttpStatusCode.NoContent, webhook.StatusCode);
            using var echo = await browser.SendAsync(HttpMethod.Post, ProbeEndpoints.Echo, json: new EchoRequest("x", 1, null));
            await AssertCsrfAsync(echo);
        }
    }

    [Fact]
    public async Task The_login_form_posted_without_its_token_is_refused_although_nobody_is_signed_in()
    {
        using var client = new HttpClient { BaseAddress = service.Origin };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-dev-password" });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), form);
        await AssertCsrfAsync(response);
    }

    private static async Task<JsonElement> AssertCsrfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:problem-type:csrf", problem.RootElement.GetProperty("type").GetString());
        return problem.RootElement.Clone();
    }
}
