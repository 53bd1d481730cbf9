using System.Globalization;
using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The config diff in a browser, as a viewer: reached from a session's "Compare with…", every row's verdict matches an
/// oracle computed here from the proxy's own (viewer-redacted) details, differences are highlighted, and hidden values
/// are shown as hidden — never as equal, not even when a session is compared with itself.
/// </summary>
public sealed class ConfigDiffTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-analytics";

    [Fact]
    public async Task Compare_with_from_a_detail_page_shows_the_differences_highlighted_and_secrets_hidden()
    {
        var (left, secrets) = await SessionDetailTests.FindSessionWithSecretsAsync(Portal, Workspace, Ct);
        var leftDetail = await ViewerDetailAsync(left);
        var (right, rightDetail) = await SessionWithDifferentConfigsAsync(left, leftDetail);
        var expected = Oracle(leftDetail, rightDetail);

        var page = await OpenAsync("viewer", $"/workspaces/{Workspace}/sessions/{left}");
        await page.Locator("[data-testid='compare-with']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "left") == $"{Workspace}/{left}");
        await Assertions.Expect(page.Locator("[data-testid='diff-pick']")).ToBeVisibleAsync();
        await page.Locator("#diff-right").FillAsync($"{Workspace}/{right}");
        await page.Locator("[data-testid='diff-compare']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "right") == $"{Workspace}/{right}");
        await WaitForDiffAsync(page);

        var shown = await RowsAsync(page);
        Assert.Equal(expected.Keys.Order(), shown.Keys.Order());
        foreach (var (key, (status, chips)) in expected)
        {
            Assert.True(status == shown[key].Status, $"{key}: expected {status}, shown {shown[key].Status}");
            // Every difference is highlighted; equal rows are not.
            Assert.Equal(status != "same", shown[key].Highlighted);
            // A redacted side shows the lock chip, never its placeholder or value.
            Assert.Equal(chips, shown[key].RedactedChips);
        }

        Assert.Contains(expected.Values, r => r.Status == "different");
        Assert.Contains(expected.Values, r => r.Status == "hidden");
        var differences = expected.Values.Count(r => r.Status != "same");
        await Assertions.Expect(page.Locator("[data-testid='diff-summary']"))
            .ToContainTextAsync(string.Create(CultureInfo.InvariantCulture, $"{differences} difference"));
        await AssertNoSecretsAsync(page, secrets);
        await PortalBrowser.ScreenshotAsync(page, "config-diff");

        // "Only differences" hides the equal rows and nothing else.
        await page.Locator("[data-testid='diff-only-changes']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='diff-row']")).ToHaveCountAsync(differences);
        await Assertions.Expect(page.Locator("[data-testid='diff-row'][data-status='same']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_session_compared_with_itself_by_url_is_equal_except_its_hidden_values()
    {
        var (id, secrets) = await SessionDetailTests.FindSessionWithSecretsAsync(Portal, Workspace, Ct);
        var detail = await ViewerDetailAsync(id);
        var redacted = Configs(detail).Count(c => c["redacted"]!.GetValue<bool>());
        Assert.Equal(secrets.Count, redacted);
        var reference = Uri.EscapeDataString($"{Workspace}/{id}");

        var page = await OpenAsync("viewer", $"/diff?left={reference}&right={reference}");
        await WaitForDiffAsync(page);

        var rows = await RowsAsync(page);
        var hidden = rows.Where(r => r.Value.Status == "hidden").ToList();
        Assert.Equal(redacted, hidden.Count);
        Assert.All(hidden, r => Assert.Equal(2, r.Value.RedactedChips));
        Assert.All(rows.Where(r => r.Value.Status != "hidden"), r => Assert.Equal("same", r.Value.Status));
        Assert.All(secrets.Keys, key => Assert.Contains(hidden, r => r.Key.EndsWith($"|{key}", StringComparison.Ordinal)));
        await Assertions.Expect(page.Locator("[data-testid='diff-summary']"))
            .ToContainTextAsync(string.Create(CultureInfo.InvariantCulture, $"{redacted} difference"));
        await AssertNoSecretsAsync(page, secrets);
        await PortalBrowser.ScreenshotAsync(page, "config-diff-self");
    }

    [Fact]
    public async Task Viewer_comparing_with_a_session_of_a_workspace_they_cannot_see_is_told_so_and_sees_nothing_of_it()
    {
        var (_, mine) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/sessions?mine=false", Ct);
        var (_, foreign) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions", Ct);
        var left = SignInTests.Ids(mine)[0];
        var foreignSession = foreign!["items"]!.AsArray()[0]!;
        var right = foreignSession["sessionClusterId"]!.GetValue<string>();

        var page = await OpenAsync("viewer",
            $"/diff?left={Uri.EscapeDataString($"{Workspace}/{left}")}&right={Uri.EscapeDataString($"w-marketing/{right}")}");
        await WaitForDiffAsync(page);

        await Assertions.Expect(page.Locator("[data-testid='diff-failure']")).ToContainTextAsync("don't have access");
        await Assertions.Expect(page.Locator("[data-testid='diff-row']")).ToHaveCountAsync(0);
        var name = foreignSession["name"]?.GetValue<string>();
        if (!string.IsNullOrWhiteSpace(name))
        {
            Assert.DoesNotContain(name, await page.ContentAsync(), StringComparison.Ordinal);
        }
    }

    private static Task WaitForDiffAsync(IPage page) =>
        page.Locator("[data-testid='diff'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    private async Task<JsonNode> ViewerDetailAsync(string id)
    {
        var (status, detail) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/sessions/{id}", Ct);
        Assert.Equal(200, status);
        return detail!;
    }

    /// <summary>Another session of the workspace with a visible config that differs from <paramref name="left"/>'s and a
    /// secret-looking one that both hold.</summary>
    private async Task<(string Id, JsonNode Detail)> SessionWithDifferentConfigsAsync(string left, JsonNode leftDetail)
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/sessions?mine=false&pageSize=50&sort=name&dir=asc", Ct);
        foreach (var id in SignInTests.Ids(list).Where(id => id != left))
        {
            var detail = await ViewerDetailAsync(id);
            // Both kinds of verdict on one page: a visible config that differs, and a secret on both sides.
            var rows = Oracle(leftDetail, detail);
            if (rows.Any(r => !r.Key.StartsWith("Session|", StringComparison.Ordinal) && r.Value.Status == "different")
                && rows.Any(r => r.Value.Status == "hidden"))
            {
                return (id, detail);
            }
        }

        throw new InvalidOperationException($"No session of {Workspace} differs from {left} in a visible config and shares a hidden one.");
    }

    /// <summary>
    /// What the diff must say per row, keyed "section|key": the status and how many sides are hidden. Session facts,
    /// then configs by (file, key, occurrence); a redacted side makes the row "hidden" whatever the other side holds.
    /// </summary>
    private static Dictionary<string, (string Status, int RedactedChips)> Oracle(JsonNode left, JsonNode right)
    {
        var rows = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        foreach (var (key, read) in Facts)
        {
            rows[$"Session|{key}"] = (read(left["summary"]!) == read(right["summary"]!) ? "same" : "different", 0);
        }

        var l = Index(left);
        var r = Index(right);
        foreach (var key in l.Keys.Union(r.Keys))
        {
            var (file, label) = key;
            var hasLeft = l.TryGetValue(key, out var lv);
            var hasRight = r.TryGetValue(key, out var rv);
            var status = (hasLeft, hasRight) switch
            {
                (true, false) => "only-left",
                (false, true) => "only-right",
                _ when lv.Redacted || rv.Redacted => "hidden",
                _ => lv.Value == rv.Value ? "same" : "different",
            };
            rows[$"{file}|{label}"] = (status, (hasLeft && lv.Redacted ? 1 : 0) + (hasRight && rv.Redacted ? 1 : 0));
        }

        return rows;
    }

    private static readonly (string Key, Func<JsonNode, string?> Read)[] Facts =
    [
        ("Release", s => Text(s["releaseVersion"])),
        ("Release (display)", s => Text(s["displayReleaseVersion"])),
        ("Kind", s => Text(s["kind"])),
        ("Queue", s => Text(s["queueName"])),
        ("Auto-start", s => Text(s["autoStartEnabled"])),
        ("Auto-stop", s => Text(s["autoStopEnabled"])),
        ("Auto-stop idle timeout (min)", s => Text(s["autoStopIdleTimeoutMinutes"])),
    ];

    private static string? Text(JsonNode? node) => node?.ToJsonString();

    private static Dictionary<(string File, string Label), (string? Value, bool Redacted)> Index(JsonNode detail)
    {
        var index = new Dictionary<(string, string), (string?, bool)>();
        var seen = new Dictionary<(string, string), int>();
        foreach (var c in Configs(detail))
        {
            var file = c["fileName"]?.GetValue<string>() is { Length: > 0 } f ? f : "(no file)";
            var key = c["key"]?.GetValue<string>() ?? "";
            var n = seen.GetValueOrDefault((file, key));
            seen[(file, key)] = n + 1;
            var label = n == 0 ? key : string.Create(CultureInfo.InvariantCulture, $"{key} ({n + 1})");
            index[(file, label)] = (c["value"]?.GetValue<string>(), c["redacted"]!.GetValue<bool>());
        }

        return index;
    }

    private static IEnumerable<JsonNode> Configs(JsonNode detail) => detail["applicationConfigs"]!.AsArray().Select(c => c!);

    /// <summary>Every diff row as shown: "section|key" → status, highlight, and how many lock chips it holds.</summary>
    private static async Task<Dictionary<string, ShownRow>> RowsAsync(IPage page)
    {
        var rows = await page.Locator("[data-testid='diff-row']").EvaluateAllAsync<ShownRowJs[]>("""
            rows => rows.map(r => ({
                section: r.closest("[data-testid='diff-section']").getAttribute('data-section'),
                key: r.getAttribute('data-key'),
                status: r.getAttribute('data-status'),
                highlighted: r.classList.contains('diff-changed') || r.classList.contains('diff-hidden'),
                redactedChips: r.querySelectorAll("[data-testid='redacted-chip']").length,
            }))
            """);
        return rows.ToDictionary(r => $"{r.Section}|{r.Key}", r => new ShownRow(r.Status, r.Highlighted, r.RedactedChips), StringComparer.Ordinal);
    }

    private static async Task AssertNoSecretsAsync(IPage page, Dictionary<string, string> secrets)
    {
        var html = await page.ContentAsync();
        Assert.All(secrets.Values, secret => Assert.DoesNotContain(secret, html, StringComparison.Ordinal));
        Assert.DoesNotContain("••••••", html, StringComparison.Ordinal);
    }

    /// <summary>What the page script returns (Playwright needs settable properties).</summary>
    private sealed class ShownRowJs
    {
        public string Section { get; set; } = "";

        public string Key { get; set; } = "";

        public string Status { get; set; } = "";

        public bool Highlighted { get; set; }

        public int RedactedChips { get; set; }
    }

    private sealed record ShownRow(string Status, bool Highlighted, int RedactedChips);
}
