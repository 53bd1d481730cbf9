using System.Globalization;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Watch and notify end to end: a viewer creates a rule in the portal, the cloud (the emulator) fails one of the
/// workspace's sessions, the bell of a tab that was already open counts up without a reload, and the notification's
/// link opens that session's detail.
/// </summary>
public sealed class NotificationTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-analytics";

    /// <summary>The proxy's refresh (2 s fresh TTL here), the outbox worker and the bell's 10 s poll, on a loaded machine.</summary>
    private const float NotificationTimeoutMs = 120_000;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_failed_session_raises_the_bell_in_an_open_tab_and_its_notification_opens_the_detail()
    {
        var name = $"E2E errors {Guid.NewGuid():N}"[..24];

        // 1. The viewer creates a rule: any session of the workspace entering Error.
        var rules = await OpenAsync("viewer", $"/workspaces/{Workspace}/notifications");
        await rules.Locator("[data-testid='rule-new']").ClickAsync();
        await Assertions.Expect(rules.Locator($"input[data-testid='rule-kind-session-error']")).ToBeCheckedAsync();
        await rules.Locator("#rule-name").FillAsync(name);
        await rules.Locator("[data-testid='rule-save']").ClickAsync();
        await Assertions.Expect(rules.Locator("[data-testid='rule-row']", new() { HasTextString = name })).ToHaveCountAsync(1);
        var (status, stored) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/notification-rules", Ct);
        Assert.Equal(200, status);
        Assert.Single(stored!.AsArray(), r => r!["name"]!.GetValue<string>() == name && r["kind"]!.GetValue<string>() == "session-error");

        // 2. Another tab of the same person is already open on the workspace's list; its bell shows the count.
        var tab = await PortalBrowser.OpenAsSignedInAsync(rules.Context, "viewer", $"/workspaces/{Workspace}/sessions");
        await PortalBrowser.WaitForListReadyAsync(tab);
        var bell = tab.Locator("[data-testid='notification-bell'][data-count]");
        await bell.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = PortalBrowser.PageTimeoutMs });
        var before = int.Parse((await bell.GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);
        var bellButton = tab.Locator("[data-testid='notification-bell-button']");
        await Assertions.Expect(bellButton).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Notifications"));

        // 3. The cloud fails a running session of the workspace (one other tests are unlikely to touch: the last by id).
        var (_, running) = await Portal.ProxyApi.GetAsync("viewer", $"/api/v1/workspaces/{Workspace}/sessions?state=Running&mine=false&pageSize=200", Ct);
        var sessionId = SignInTests.Ids(running).Order(StringComparer.Ordinal).Last();
        using (var response = await Http.PostAsync(new Uri(Portal.Emulator!.BaseAddress, $"/admin/sessions/{Workspace}/{sessionId}/fail"), null, Ct))
        {
            Assert.Equal(204, (int)response.StatusCode);
        }

        // 4. The open tab's bell counts up, with no reload, and says so to a screen reader.
        await Assertions.Expect(bell).Not.ToHaveAttributeAsync("data-count", before.ToString(CultureInfo.InvariantCulture), new() { Timeout = NotificationTimeoutMs });
        var after = int.Parse((await bell.GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);
        Assert.True(after > before, $"The bell went from {before} to {after}.");
        await Assertions.Expect(tab.Locator("[data-testid='notification-bell-status']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ unread notifications?$"));
        await Assertions.Expect(bellButton).ToHaveAttributeAsync("aria-label", $"Notifications, {after} unread");

        // 5. The bell leads to the centre; the notification's link opens the failed session's detail.
        await bellButton.ClickAsync();
        await PortalBrowser.WaitForUrlAsync(tab, url => PortalBrowser.PathAndQuery(url) == "/notifications");
        await tab.Locator("[data-testid='notification-centre'][data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = PortalBrowser.PageTimeoutMs });
        var detailPath = $"/workspaces/{Workspace}/sessions/{sessionId}";
        var link = tab.Locator($"[data-testid='notification-link'][href='{detailPath}']");
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await link.ClickAsync();
        await PortalBrowser.WaitForUrlAsync(tab, url => PortalBrowser.PathAndQuery(url) == detailPath);
        await tab.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = PortalBrowser.PageTimeoutMs });
        await Assertions.Expect(tab.Locator("[data-testid='state-chip']").First).ToHaveAttributeAsync("data-state", "Error");
        await PortalBrowser.ScreenshotAsync(tab, "notification-detail");
    }
}
