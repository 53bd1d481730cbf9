using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Error triage, the admin audit page and pins in a browser, each checked against the proxy's own answer for the same
/// user: what the proxy groups/logs/keeps is what the page shows, and who may not see it does not.
/// </summary>
public sealed class InsightsPagesTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task Error_triage_shows_the_proxys_groups_and_links_to_the_sessions()
    {
        var groups = await ErrorGroupsAsync("admin");
        Assert.NotEmpty(groups);

        var page = await OpenAsync("admin", "/errors");
        await Ready(page, "error-groups");

        var cards = page.Locator("[data-testid='error-group']");
        await Assertions.Expect(cards).ToHaveCountAsync(groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            await Assertions.Expect(cards.Nth(i)).ToHaveAttributeAsync("data-code", groups[i].Code);
            await Assertions.Expect(cards.Nth(i).Locator("[data-testid='error-count']"))
                .ToHaveTextAsync($"{groups[i].Count} {(groups[i].Count == 1 ? "session" : "sessions")}");
            var links = await cards.Nth(i).Locator("[data-testid='error-session-link']").EvaluateAllAsync<string[]>(
                "links => links.map(a => a.getAttribute('data-session-id'))");
            Assert.Equal(groups[i].Sessions.Take(10).Select(s => s.Id), links);
        }

        // A link opens that session, which is in Error with the group's code.
        var target = groups[0].Sessions[0];
        await cards.First.Locator($"[data-testid='error-session-link'][data-session-id='{target.Id}']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == $"/workspaces/{target.Workspace}/sessions/{target.Id}");
        await Ready(page, "session-detail");
        await Assertions.Expect(page.Locator(".header-actions [data-testid='state-chip']").First).ToHaveAttributeAsync("data-state", "Error");
        await Assertions.Expect(page.Locator("[data-testid='state-reason']")).ToContainTextAsync(groups[0].Code);
    }

    [Fact]
    public async Task Viewer_error_triage_covers_only_their_workspace()
    {
        var groups = await ErrorGroupsAsync("viewer");
        Assert.All(groups.SelectMany(g => g.Sessions), s => Assert.Equal("w-analytics", s.Workspace));

        var page = await OpenAsync("viewer", "/errors");
        await Ready(page, "error-groups");

        await Assertions.Expect(page.Locator("[data-testid='error-group']")).ToHaveCountAsync(groups.Count);
        var hrefs = await page.Locator("[data-testid='error-session-link']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.NotEmpty(hrefs);
        Assert.All(hrefs, href => Assert.StartsWith("/workspaces/w-analytics/sessions/", href, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_audit_page_lists_the_detail_views_just_made_and_a_viewer_is_refused()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions?sort=name&dir=asc", Ct);
        var viewed = SignInTests.Ids(list)[2];

        // The admin opens a session: the proxy records the view.
        var page = await OpenAsync("admin", $"/workspaces/w-marketing/sessions/{viewed}");
        await Assertions.Expect(page.Locator("[data-testid='nav-audit']")).ToBeVisibleAsync();
        await page.Locator("[data-testid='nav-audit']").ClickAsync();
        await PortalBrowser.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/audit");
        await Ready(page, "audit-log");

        // Narrowed to that workspace and action through the page's own filters (server-side, in the URL).
        await page.Locator("#audit-workspace").FillAsync("w-marketing");
        await page.Locator("#audit-workspace").PressAsync("Tab");
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "workspace") == "w-marketing");
        await page.Locator("#audit-action").FillAsync("session.view");
        await page.Locator("#audit-action").PressAsync("Tab");
        await PortalBrowser.WaitForUrlAsync(page, url => PortalBrowser.QueryValue(url, "action") == "session.view");
        await Ready(page, "audit-log");

        // The audit write is asynchronous: the entry may need a moment (and a reload) to appear.
        var row = page.Locator("[data-testid='audit-row']").Filter(new() { HasTextString = viewed });
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline && await row.CountAsync() == 0;)
        {
            await Task.Delay(500, Ct);
            await page.ReloadAsync();
            await Ready(page, "audit-log");
        }

        await Assertions.Expect(row.First).ToContainTextAsync("Ada Admin");
        await Assertions.Expect(row.First).ToContainTextAsync("session.view");
        await Assertions.Expect(row.First).ToContainTextAsync("allowed");
        var (_, expected) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/audit?workspace=w-marketing&action=session.view", Ct);
        await Assertions.Expect(page.Locator("[data-testid='audit-row']")).ToHaveCountAsync(Math.Min(expected!["items"]!.AsArray().Count, 50));
        await PortalBrowser.ScreenshotAsync(page, "audit-log");

        // A viewer: no nav entry, the 403 view on the page, and the proxy refuses the log itself.
        var viewer = await OpenAsync("viewer", "/audit");
        await Assertions.Expect(viewer.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        await Assertions.Expect(viewer.Locator("[data-testid='audit-row']")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("[data-testid='nav-audit']")).ToHaveCountAsync(0);
        Assert.DoesNotContain(viewed, await viewer.ContentAsync(), StringComparison.Ordinal);
        var (status, _) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/audit", Ct);
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task A_session_pinned_on_its_page_is_in_the_pinned_section_of_the_list_until_unpinned()
    {
        var (_, list) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/workspaces/w-analytics/sessions?mine=false&sort=name&dir=desc", Ct);
        var id = SignInTests.Ids(list)[1];

        var page = await OpenAsync("viewer", $"/workspaces/w-analytics/sessions/{id}");
        var toggle = page.Locator("[data-testid='session-detail'] [data-testid='pin-toggle']");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-pinned", "false");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-pinned", "true");
        var (_, pins) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/pins", Ct);
        Assert.Contains(pins!.AsArray(), p => p!["sessionClusterId"]!.GetValue<string>() == id);

        // On the list (a page where the session is not otherwise shown), it is in the pinned section on top.
        await page.GotoAsync("/workspaces/w-analytics/sessions?mine=false&sort=name&dir=asc");
        var section = page.Locator("[data-testid='pinned-section']");
        await Assertions.Expect(section).ToHaveAttributeAsync("data-ready", "true");
        var pinnedRow = section.Locator($"[data-testid='session-row'][data-session-id='{id}']");
        await Assertions.Expect(pinnedRow).ToHaveCountAsync(1);
        await PortalBrowser.ScreenshotAsync(page, "session-list-pinned");

        // Pins are personal: the admin's list has no pinned section.
        var admin = await OpenAsync("admin", "/workspaces/w-analytics/sessions?sort=name&dir=asc");
        await Ready(admin, "session-list");
        await Assertions.Expect(admin.Locator("[data-testid='pinned-section']")).ToHaveCountAsync(0);

        // Unpinned from the section's own row: the section goes away.
        await pinnedRow.Locator("[data-testid='pin-toggle']").ClickAsync();
        await Assertions.Expect(section).ToHaveCountAsync(0);
        var (_, after) = await Portal.ProxyApi.GetAsync("viewer", "/api/v1/pins", Ct);
        Assert.DoesNotContain(after!.AsArray(), p => p!["sessionClusterId"]!.GetValue<string>() == id);
    }

    private static Task Ready(IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    private async Task<IReadOnlyList<ErrorGroup>> ErrorGroupsAsync(string userId)
    {
        var (status, body) = await Portal.ProxyApi.GetAsync(userId, "/api/v1/errors", Ct);
        Assert.Equal(200, status);
        return body!.AsArray().Select(g => new ErrorGroup(
            g!["code"]!.GetValue<string>(),
            g["count"]!.GetValue<int>(),
            g["sessions"]!.AsArray().Select(s => (s!["workspaceId"]!.GetValue<string>(), s["sessionClusterId"]!.GetValue<string>())).ToList())).ToList();
    }

    private sealed record ErrorGroup(string Code, int Count, IReadOnlyList<(string Workspace, string Id)> Sessions);
}
