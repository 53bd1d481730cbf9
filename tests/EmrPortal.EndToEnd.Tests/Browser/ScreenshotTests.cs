using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The documentation's screenshots: home, list, detail and triage at 1280 and 390 px, light and dark. Every run checks
/// that each page renders in its theme at that width and takes the picture (under artifacts/screenshots/docs/); with
/// <c>EMRPORTAL_SCREENSHOTS_DIR</c> set (e.g. to <c>docs/screenshots</c>) the pictures are written there instead.
/// </summary>
public sealed class ScreenshotTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    public const string DirectoryVariable = "EMRPORTAL_SCREENSHOTS_DIR";

    public static TheoryData<string, int, string> Shots()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var page in new[] { "home", "list", "detail", "triage" })
        {
            foreach (var width in new[] { 1280, 390 })
            {
                foreach (var theme in new[] { "light", "dark" })
                {
                    data.Add(page, width, theme);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shots))]
    public async Task Page_renders_in_its_theme_at_its_width_and_is_photographed(string pageName, int width, string theme)
    {
        var (path, shown) = pageName switch
        {
            "home" => ("/", "[data-ready='true']"),
            "list" => ("/workspaces/w-analytics/sessions?sort=name", $"{PortalBrowser.ListSelector}[data-ready='true'] [data-testid='session-row']"),
            "detail" => ($"/workspaces/w-analytics/sessions/{await FirstSessionIdAsync()}", "[data-testid='session-detail'][data-ready='true']"),
            "triage" => ("/errors", "[data-ready='true']"),
            _ => throw new ArgumentOutOfRangeException(nameof(pageName), pageName, null),
        };

        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(configure: o =>
        {
            o.ViewportSize = new ViewportSize { Width = width, Height = width >= 1000 ? 800 : 844 };
            o.IsMobile = width < 1000;
            o.HasTouch = width < 1000;
            o.ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
            o.TimezoneId = "UTC";
        }), "admin", path);
        await page.Locator(shown).First.WaitForAsync(new LocatorWaitForOptions { Timeout = PortalBrowser.PageTimeoutMs });

        // The theme is applied once the circuit has asked the browser for it: the toggle then offers the other one.
        var other = theme == "dark" ? "light" : "dark";
        await Assertions.Expect(page.Locator("[data-testid='theme-toggle']")).ToHaveAttributeAsync("aria-label", $"Switch to {other} theme");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.True(IsDark(background) == (theme == "dark"), $"{pageName} at {width} px should have a {theme} background; it is {background}.");

        var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured, RepositoryPaths.Root)
            : Path.Combine(RepositoryPaths.Screenshots, "docs");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{pageName}-{width}-{theme}.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });

        // A PNG's IHDR holds its width: the picture is of the page at the width asked for.
        Assert.True(png.Length > 10_000, $"The screenshot of {pageName} is suspiciously small ({png.Length} bytes).");
        Assert.Equal(width, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
    }

    private async Task<string> FirstSessionIdAsync()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=5", Ct);
        return SignInTests.Ids(list)[0];
    }

    /// <summary>True for a computed CSS colour (<c>rgb(r, g, b)</c>) darker than mid-grey.</summary>
    private static bool IsDark(string cssColor)
    {
        var parts = cssColor[(cssColor.IndexOf('(') + 1)..cssColor.IndexOf(')')].Split(',');
        var (r, g, b) = (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
    }
}
