using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Template.Tests.Support;

/// <summary>
/// A client of the embedded authorization server that speaks to it over HTTP the way a browser and an app do:
/// it keeps cookies, fills in the login form with its antiforgery token, and follows the authorize redirects by hand
/// so each step can be asserted.
/// </summary>
public sealed partial class OAuthFlow(HttpClient client) : IDisposable
{
    public const string PublicClient = "cli";
    public const string PublicRedirect = "http://127.0.0.1:7890/callback";
    public const string ServiceClient = "service-client";
    public const string ServiceSecret = "dev-secret-service-client-change-me";
    public const string UserScopes = "openid profile roles offline_access";

    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    public static OAuthFlow For(IAlbaHost host)
    {
        return new OAuthFlow(host.Server.CreateClient());
    }

    public IReadOnlyDictionary<string, string> Cookies => cookies;

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, IDictionary<string, string>? form = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.RelativeOrAbsolute));
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await client.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';')[0].Split('=', 2);
            var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
            if (expired || pair[1].Length == 0)
            {
                cookies.Remove(pair[0]);
            }
            else
            {
                cookies[pair[0]] = pair[1];
            }
        }

        return response;
    }

    /// <summary>The authorize URL of a code flow request; <paramref name="challenge"/> null leaves PKCE out.</summary>
    public static string AuthorizeUrl(string? challenge, string method = "S256", string clientId = PublicClient, string redirect = PublicRedirect, string scope = UserScopes)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirect,
            ["scope"] = scope,
            ["state"] = "state-123",
        };
        if (challenge is not null)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = method;
        }

        return QueryHelpers.AddQueryString("/connect/authorize", query);
    }

    /// <summary>Signs in on the login page the server sent us to; returns the page's answer.</summary>
    public async Task<HttpResponseMessage> LogInAsync(Uri loginPage, string user, string password)
    {
        var page = await SendAsync(HttpMethod.Get, loginPage.IsAbsoluteUri ? loginPage.PathAndQuery : loginPage.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = HiddenFormFields(html);
        form["username"] = user;
        form["password"] = password;
        return await SendAsync(HttpMethod.Post, "/account/login", form);
    }

    /// <summary>Runs the browser part of the code flow and returns where the server finally redirects (the client's redirect URI).</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string user, string password)
    {
        var response = await SendAsync(HttpMethod.Get, authorizeUrl);
        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal))
        {
            var loggedIn = await LogInAsync(response.Headers.Location!, user, password);
            Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
            response = await SendAsync(HttpMethod.Get, loggedIn.Headers.Location!.OriginalString);
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    public static string? QueryValue(Uri uri, string name)
    {
        return QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value) ? value.ToString() : null;
    }

    /// <summary>Posts to the token endpoint; returns the status and the JSON answer.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(IDictionary<string, string> form)
    {
        var response = await SendAsync(HttpMethod.Post, "/connect/token", form);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>Code flow with PKCE for <paramref name="user"/> through the login page, ending in tokens.</summary>
    public async Task<JsonElement> SignInAsync(string user, string password, string scope = UserScopes)
    {
        var (verifier, challenge) = Pkce();
        var redirect = await AuthorizeAsync(AuthorizeUrl(challenge, scope: scope), user, password);
        var code = QueryValue(redirect, "code") ?? throw new InvalidOperationException($"No code in {redirect}");
        var (status, body) = await TokenAsync(CodeRedemption(code, verifier));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public static Dictionary<string, string> CodeRedemption(string code, string verifier) => new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = PublicRedirect,
        ["client_id"] = PublicClient,
        ["code_verifier"] = verifier,
    };

    public static Dictionary<string, string> Refresh(string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = PublicClient,
    };

    public static Dictionary<string, string> ClientCredentials(string scope, string clientId = ServiceClient, string secret = ServiceSecret) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = secret,
        ["scope"] = scope,
    };

    /// <summary>The hidden inputs of a page's form (the antiforgery token, the return address).</summary>
    public static Dictionary<string, string> HiddenFormFields(string html) =>
        HiddenFields().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    /// <summary>Calls the probe endpoint that answers with the caller's subject, as the bearer of <paramref name="accessToken"/>.</summary>
    public static async Task<string> CallMeAsync(IAlbaHost host, string accessToken, int status)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(ProbeEndpoints.Me);
            s.WithRequestHeader("Authorization", $"Bearer {accessToken}");
            s.StatusCodeShouldBe(status);
        });
        if (status != 200)
        {
            await result.ReadProblemAsync(status);
        }

        return await result.ReadAsTextAsync();
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenFields();
}
