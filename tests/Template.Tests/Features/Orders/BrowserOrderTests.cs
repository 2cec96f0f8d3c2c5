using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

/// <summary>
/// A real headless Chromium against the service on loopback: it signs in on the login page, places an order from a
/// page of the service with the antiforgery token, and is then lured to pages on other origins whose forms post to
/// the API on their own. Those posts fail and place nothing.
/// </summary>
[Slow(Suite.Browser)]
public sealed class BrowserOrderTests(LocalhostSessionHost service) : IClassFixture<LocalhostSessionHost>
{
    private const string PlaceOrderScript = """
        async (withToken) => {
          const cookie = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
          const headers = { 'Content-Type': 'application/json' };
          if (withToken) headers['X-XSRF-TOKEN'] = decodeURIComponent(cookie.substring('XSRF-TOKEN='.length));
          const response = await fetch('/api/orders', {
            method: 'POST', headers,
            body: JSON.stringify({ customerEmail: 'browser@example.com', lines: [{ sku: 'SKU-001', quantity: 1 }], currency: 'EUR' })
          });
          return { status: response.status, body: await response.text() };
        }
        """;

    private const string ListOrdersScript = "async () => (await (await fetch('/api/orders')).json()).items.length";

    [SkippableFact]
    public async Task A_signed_in_browser_places_an_order_with_its_token_and_forged_cross_origin_forms_place_nothing()
    {
        using var playwright = await HeadlessChromium.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var blocked = HeadlessChromium.WatchForBlockedContent(page);

        // The login page, filled in and submitted like a person would; it lands on the API reference page.
        await HeadlessChromium.SignInAsync(page, service.Origin, "alice", "/scalar/v1");
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "XSRF-TOKEN" && !c.HttpOnly);

        var withoutToken = await page.EvaluateAsync<JsonElement>(PlaceOrderScript, false);
        Assert.Equal(403, withoutToken.GetProperty("status").GetInt32());
        Assert.Contains("urn:problem-type:csrf", withoutToken.GetProperty("body").GetString(), StringComparison.Ordinal);
        var placed = await page.EvaluateAsync<JsonElement>(PlaceOrderScript, true);
        Assert.Equal(201, placed.GetProperty("status").GetInt32());
        Assert.Equal(1, await page.EvaluateAsync<int>(ListOrdersScript));

        // Forged forms from elsewhere on loopback: the same site on another port (the browser sends the session
        // cookie, the missing token stops it) and another site (the browser withholds the cookie).
        var (attacker, attackerAddress) = await Loopback.StartAppAsync(app =>
            app.MapGet("/win-a-prize", () => Results.Content(ForgedForm(service.Origin), "text/html")));
        await using (attacker)
        {
            var sameSite = new Uri(attackerAddress.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/win-a-prize");
            var crossSite = new Uri(attackerAddress + "/win-a-prize");
            foreach (var lure in new[] { sameSite, crossSite })
            {
                var answer = await page.RunAndWaitForResponseAsync(
                    () => page.GotoAsync(lure.ToString()),
                    response => response.Url.EndsWith("/api/orders", StringComparison.Ordinal) && response.Request.Method == "POST");
                Assert.InRange(answer.Status, 400, 499);
                if (lure == sameSite)
                {
                    Assert.Equal(403, answer.Status);
                    Assert.Contains("urn:problem-type:csrf", await answer.TextAsync(), StringComparison.Ordinal);
                }
            }
        }

        await page.GotoAsync(new Uri(service.Origin, "/scalar/v1").ToString());
        Assert.Equal(1, await page.EvaluateAsync<int>(ListOrdersScript));
        Assert.Empty(blocked);
    }

    // A form that posts itself as soon as the page loads, as a malicious page would.
    private static string ForgedForm(Uri service) => $$"""
        <!DOCTYPE html>
        <html><body>
        <form id="f" method="post" action="{{new Uri(service, "/api/orders")}}">
        <input name="customerEmail" value="attacker@example.com"><input name="currency" value="EUR">
        </form>
        <script>document.getElementById('f').submit();</script>
        </body></html>
        """;
}
