using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright's .NET driver (the node driver ships inside the NuGet package, so this
/// works offline; Playwright's own browser download is never used). One browser per test assembly; every test gets
/// its own context (cookies, storage), like a fresh profile.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Flags for a closed network and a root user (see DEVELOPERS.md / run-readme): no sandbox, no GPU, and
    /// none of Chromium's background connections, which this machine refuses.</summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("EMRPORTAL_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async ValueTask InitializeAsync()
    {
        // Expect(...) retries for 5 s by default; on this 2-core machine, with other builds running, a circuit round
        // trip through proxy and emulator can take longer. Passing checks return as soon as they hold.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// A fresh, signed-out browser profile pointed at <paramref name="baseAddress"/>, in UTC and en-US, 1440×900 unless
    /// <paramref name="configure"/> says otherwise (a phone's viewport, a dark system theme).
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            TimezoneId = "UTC",
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        };
        configure?.Invoke(options);
        var context = await Browser.NewContextAsync(options);
        // Sized for a 2-core machine shared with other builds: a first document load (prerender, scripts, circuit) can
        // take most of a minute there. Waits that pass return as soon as their condition holds.
        context.SetDefaultTimeout(45_000);
        context.SetDefaultNavigationTimeout(PortalBrowser.PageTimeoutMs);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
