using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Template.Tests.Support;

/// <summary>
/// An HTTP client that behaves like a browser with the service's browser session: it keeps cookies, follows
/// redirects, and signs in through <c>/auth/login</c>, the login page and <c>/auth/callback</c>.
/// </summary>
public sealed class SessionBrowser : IDisposable
{
    private readonly HttpClientHandler handler;

    private SessionBrowser(Uri origin)
    {
        handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = true };
        Client = new HttpClient(handler) { BaseAddress = origin, Timeout = TimeSpan.FromSeconds(30) };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Client { get; }

    /// <summary>The request token the service gave this browser's scripts (the XSRF-TOKEN cookie).</summary>
    public string XsrfToken => Uri.UnescapeDataString(Cookies.GetAllCookies().Single(c => c.Name == "XSRF-TOKEN" && !c.Expired).Value);

    /// <summary>Signs in as <paramref name="user"/> and lands on <paramref name="returnUrl"/>; returns the browser and that page.</summary>
    public static async Task<(SessionBrowser Browser, HttpResponseMessage Landed)> SignInAsync(Uri origin, string user, string returnUrl = "/_probe/me")
    {
        var browser = new SessionBrowser(origin);
        var loginPage = await browser.Client.GetAsync(new Uri($"/auth/login?returnUrl={Uri.EscapeDataString(returnUrl)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, loginPage.StatusCode);
        var form = OAuthFlow.HiddenFormFields(await loginPage.Content.ReadAsStringAsync());
        form["username"] = user;
        form["password"] = $"{user}-dev-password";
        using var content = new FormUrlEncodedContent(form);
        var landed = await browser.Client.PostAsync(new Uri("/account/login", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal(returnUrl, landed.RequestMessage!.RequestUri!.PathAndQuery);
        return (browser, landed);
    }

    /// <summary>Sends a JSON request with the session cookie, and the given antiforgery token and headers if any.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? xsrfToken = null, object? json = null, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        if (xsrfToken is not null)
        {
            request.Headers.Add("X-XSRF-TOKEN", xsrfToken);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        return Client.SendAsync(request);
    }

    public void Dispose()
    {
        Client.Dispose();
        handler.Dispose();
    }
}

/// <summary>
/// The whole service on Kestrel on a free loopback port, in Development with the browser session pointed at that
/// port, plus the probe endpoints: what a browser session needs, which the in-memory test server cannot give.
/// </summary>
public class BrowserSessionHost : IAsyncLifetime
{
    private WebApplicationFactory<Program>? factory;

    /// <summary>The name the service is reached by; a browser treats <c>localhost</c> and <c>127.0.0.1</c> as different sites.</summary>
    protected virtual string HostName => "127.0.0.1";

    public Uri Origin { get; private set; } = null!;

    public IServiceProvider Services => factory!.Services;

    /// <summary>Settings beyond those the session needs; set before the collection starts.</summary>
    public static IDictionary<string, string?> SessionSettings(Uri origin) => new Dictionary<string, string?>
    {
        ["AuthorizationServer:Issuer"] = origin.ToString(),
        ["AuthorizationServer:Clients:2:RedirectUris:0"] = new Uri(origin, "/auth/callback").ToString(),
        ["AuthorizationServer:Clients:2:PostLogoutRedirectUris:0"] = new Uri(origin, "/auth/signed-out").ToString(),
        ["Csrf:ExcludedPaths:0"] = ProbeEndpoints.Webhook,
    };

    public Task InitializeAsync()
    {
        var port = Loopback.FreePort();
        Origin = new Uri($"http://{HostName}:{port}/");
        factory = KestrelHost.Start(port, SessionSettings(Origin), HostName);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
    }
}

/// <summary>The same, reached as <c>http://localhost:port</c>, so a page on <c>127.0.0.1</c> is another site.</summary>
public sealed class LocalhostSessionHost : BrowserSessionHost
{
    protected override string HostName => "localhost";
}
