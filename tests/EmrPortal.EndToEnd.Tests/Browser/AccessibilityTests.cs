using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// axe-core on every page of the portal, in the light and the dark theme: no serious or critical violation anywhere.
/// Moderate and minor findings are written to artifacts/a11y/ (one file per page and theme) for the record.
/// </summary>
public sealed class AccessibilityTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    public static TheoryData<string, string> PagesAndThemes()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in new[] { "sign-in", "home", "list", "detail", "compare", "triage", "audit", "403", "403-export", "404" })
        {
            foreach (var theme in new[] { "light", "dark" })
            {
                data.Add(page, theme);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagesAndThemes))]
    public async Task A_page_has_no_serious_or_critical_axe_violations(string pageName, string theme)
    {
        var page = await OpenPageAsync(pageName, theme);

        var result = await page.RunAxe();

        var findings = result.Violations ?? [];
        await RecordAsync(pageName, theme, findings);
        var blocking = findings.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(blocking.Count == 0, $"{pageName} ({theme}): {Describe(blocking)}");
    }

    /// <summary>Opens the page as a person would see it, waiting for what proves it is shown (and themed).</summary>
    private async Task<IPage> OpenPageAsync(string pageName, string theme)
    {
        Action<BrowserNewContextOptions> configure = o => o.ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        if (pageName == "sign-in")
        {
            var context = await NewContextAsync(configure: configure);
            var signIn = await context.NewPageAsync();
            await signIn.GotoAsync("/signin?returnUrl=%2F");
            await signIn.Locator("[data-testid='signin-as-admin']").WaitForAsync();
            return signIn;
        }

        var (user, path, shown) = pageName switch
        {
            "home" => ("admin", "/", "[data-ready='true']"),
            "list" => ("admin", "/workspaces/w-analytics/sessions?sort=name", $"{PortalBrowser.ListSelector}[data-ready='true']"),
            "detail" => ("admin", $"/workspaces/w-analytics/sessions/{await SessionIdAsync(0)}", "[data-testid='session-detail'][data-ready='true']"),
            "compare" => ("admin", $"/diff?left={Uri.EscapeDataString("w-analytics/" + await SessionIdAsync(0))}&right={Uri.EscapeDataString("w-analytics/" + await SessionIdAsync(1))}", "[data-testid='diff-row']"),
            "triage" => ("admin", "/errors", "[data-ready='true']"),
            "audit" => ("admin", "/audit", "[data-ready='true']"),
            "403" => ("viewer", "/workspaces/w-marketing/sessions", "[data-testid='forbidden-view']"),
            "403-export" => ("viewer", "/export/workspaces/w-marketing/sessions.csv", "[data-testid='forbidden-view']"),
            "404" => ("admin", "/no-such-page", "[data-testid='not-found-view']"),
            _ => throw new ArgumentOutOfRangeException(nameof(pageName), pageName, null),
        };
        // The export answers a signed-out browser with its own 401 page, not the sign-in page: sign in first.
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(configure: configure), user, pageName == "403-export" ? "/" : path);
        if (pageName == "403-export")
        {
            await page.Locator("[data-ready='true']").First.WaitForAsync();
            await page.GotoAsync(path);
        }

        await page.Locator(shown).First.WaitForAsync(new LocatorWaitForOptions { Timeout = PortalBrowser.PageTimeoutMs });
        // The theme is applied once the circuit has asked the browser for it: the toggle then offers the other one.
        var other = theme == "dark" ? "light" : "dark";
        await Assertions.Expect(page.Locator("[data-testid='theme-toggle']")).ToHaveAttributeAsync("aria-label", $"Switch to {other} theme");
        return page;
    }

    private async Task<string> SessionIdAsync(int index)
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?sort=name&pageSize=10", Ct);
        return SignInTests.Ids(list)[index];
    }

    private static async Task RecordAsync(string pageName, string theme, IEnumerable<AxeResultItem> findings)
    {
        var directory = Directory.CreateDirectory(Path.Combine(RepositoryPaths.Artifacts, "a11y")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, $"{pageName}-{theme}.txt"), Describe(findings), Ct);
    }

    private static string Describe(IEnumerable<AxeResultItem> findings)
    {
        var text = new StringBuilder();
        foreach (var v in findings)
        {
            text.AppendLine($"[{v.Impact}] {v.Id}: {v.Help}");
            foreach (var node in v.Nodes.Take(5))
            {
                text.AppendLine($"    {node.Target} {node.Html}");
                foreach (var check in (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []))
                {
                    text.AppendLine($"        {check.Message}");
                }
            }
        }

        return text.Length == 0 ? "none" : text.ToString();
    }
}
