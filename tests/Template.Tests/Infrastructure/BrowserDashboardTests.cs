using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The jobs dashboard in a real browser: its scripts run under the page CSP and its posts pass the CSRF step.</summary>
[Slow(Suite.Browser)]
public sealed class BrowserDashboardTests(LocalhostSessionHost service) : IClassFixture<LocalhostSessionHost>
{
    [SkippableFact]
    public async Task The_jobs_dashboard_works_for_an_admin_session_under_its_policy_and_the_CSRF_check()
    {
        using var playwright = await HeadlessChromium.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        var blocked = HeadlessChromium.WatchForBlockedContent(page);
        await HeadlessChromium.SignInAsync(page, service.Origin, "admin", "/jobs");

        // The dashboard polls its statistics with POSTs that carry the antiforgery header it was given.
        var stats = await page.WaitForResponseAsync(r => r.Url.EndsWith("/jobs/stats", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, stats.Status);
        Assert.NotNull(await stats.Request.HeaderValueAsync("x-xsrf-token"));
        Assert.Empty(blocked);
    }
}
