using Microsoft.Playwright;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The API reference in Chromium, as a person uses it: "Authorize" with the authorization code flow opens the
/// embedded server's login page, signing in there gives the page a token (PKCE, the public api-reference client),
/// and "Test Request" then calls a protected operation with it.
/// </summary>
[Slow(Suite.Browser)]
public sealed class ApiReferenceSignInTests
{
    [SkippableFact]
    public async Task Try_it_signs_in_through_the_embedded_server_and_calls_a_protected_operation()
    {
        using var playwright = await HeadlessChromium.StartAsync();
        var port = Loopback.FreePort();
        var origin = new Uri($"http://127.0.0.1:{port}/");
        // The development settings as they are: the issuer follows the address, the client returns to /scalar/v1 there.
        using var host = KestrelHost.Start(port);
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        // The reference page is a large script; on a busy machine it may take longer than Playwright's 30 s.
        page.SetDefaultTimeout((float)Eventually.Deadline.TotalMilliseconds);
        var blocked = HeadlessChromium.WatchForBlockedContent(page);
        await page.GotoAsync(new Uri(origin, "scalar/v1").ToString());

        await page.GetByText("authorizationCode", new() { Exact = true }).First.ClickAsync();
        var popup = await page.RunAndWaitForPopupAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).First.ClickAsync());
        popup.SetDefaultTimeout((float)Eventually.Deadline.TotalMilliseconds);
        await popup.FillAsync("input[name=username]", "alice");
        await popup.FillAsync("input[name=password]", "alice-dev-password");
        // The login returns to the reference page in the popup, which hands the code over and closes.
        var closed = new TaskCompletionSource();
        popup.Close += (_, _) => closed.TrySetResult();
        await popup.ClickAsync("button[type=submit]");
        await closed.Task.WaitAsync(Eventually.Deadline);

        // The probe's tag group in the sidebar, then its operation.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("Open Group - Probe") }).First.ClickAsync();
        await page.GetByText("Who the caller is").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("Test Request.*get ._probe.caller") }).First.ClickAsync();
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Send") }).First.ClickAsync(),
            r => r.Url.EndsWith("/_probe/caller", StringComparison.Ordinal));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("Bearer ", await response.Request.HeaderValueAsync("authorization"), StringComparison.Ordinal);
        Assert.Equal("\"alice\"", await response.TextAsync());
        Assert.Empty(blocked);
    }
}
