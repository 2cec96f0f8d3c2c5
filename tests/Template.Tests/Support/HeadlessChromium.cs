using Microsoft.Playwright;

namespace Template.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright: no browser is downloaded; CI installs the package.</summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Starts Playwright; skips the test without Chromium, or fails it under CI=true.</summary>
    public static async Task<IPlaywright> StartAsync()
    {
        Prerequisites.SkipOrFailWhen(!File.Exists(Executable), Executable,
            $"Browser test skipped: {Executable} was not found (Debian/Ubuntu: apt-get install chromium; .ci/run installs it).");
        return await Playwright.CreateAsync();
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Root in a container has no user namespace for Chromium's sandbox.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>Collects what the page's Content-Security-Policy blocked, as the browser reports it.</summary>
    public static List<string> WatchForBlockedContent(IPage page)
    {
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        return blocked;
    }

    /// <summary>Signs in through <c>/auth/login</c> and the login page, as a person would, and waits for <paramref name="returnUrl"/>.</summary>
    public static async Task SignInAsync(IPage page, Uri origin, string user, string returnUrl)
    {
        await page.GotoAsync(new Uri(origin, "/auth/login?returnUrl=" + Uri.EscapeDataString(returnUrl)).ToString());
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", $"{user}-dev-password");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**" + returnUrl);
    }
}
