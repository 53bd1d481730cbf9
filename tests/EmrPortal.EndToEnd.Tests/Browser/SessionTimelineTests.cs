using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The state timeline with a real recorded change: an admin stops a Running session from its detail page (Start/Stop is
/// on in the E2E proxy), the emulator goes Stopping → Stopped on its own clock, the proxy's snapshot refreshes record
/// both transitions in the portal database, and the detail page shows them.
/// </summary>
public sealed class SessionTimelineTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    // Not w-analytics: the list/secret tests compare that workspace's pages with the proxy and should not see it move.
    private const string Workspace = "w-finance";

    [Fact]
    public async Task Stopping_a_running_session_from_its_page_shows_running_stopping_stopped_on_the_timeline()
    {
        var id = await RunningSessionAsync();
        var page = await OpenAsync("admin", $"/workspaces/{Workspace}/sessions/{id}");
        var headerState = page.Locator(".header-actions [data-testid='state-chip']").First;
        await Assertions.Expect(headerState).ToHaveAttributeAsync("data-state", "Running");
        await Assertions.Expect(page.Locator("[data-testid='timeline']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='timeline-item'][data-to-state='Stopped']")).ToHaveCountAsync(0);

        await page.Locator("[data-testid='stop-session']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid='confirm-message']")).ToContainTextAsync("Stop");
        await page.Locator("[data-testid='confirm-yes']").ClickAsync();

        // The proxy re-reads the session after asking the cloud to stop it: the page shows Stopping at once.
        await Assertions.Expect(headerState).ToHaveAttributeAsync("data-state", "Stopping");
        await Assertions.Expect(page.Locator("[data-testid='stop-session']")).ToHaveCountAsync(0);

        // Someone watching the workspace list keeps the snapshot refreshing; each refresh is diffed and recorded.
        var transitions = await WaitForRecordedStopAsync(id);
        var stopping = transitions.Single(t => t.To == "Stopping");
        var stopped = transitions.Single(t => t.To == "Stopped");
        Assert.Equal("Running", stopping.From);
        Assert.Equal("Stopping", stopped.From);
        Assert.True(stopped.ObservedAt > stopping.ObservedAt, "Stopped was recorded before Stopping");

        // The proxy keeps a session's detail up to Snapshots:DetailTtl (10 s); the one read right after the stop said
        // Stopping. Once it has expired the page agrees with its own timeline.
        await WaitForDetailStateAsync(id, "Stopped");
        await page.ReloadAsync();
        await PortalBrowser.WaitForReadyAsync(page);
        await Assertions.Expect(headerState).ToHaveAttributeAsync("data-state", "Stopped");

        // Newest first: Stopping → Stopped, then Running → Stopping, each with its reason and when it was seen.
        var items = page.Locator("[data-testid='timeline-item']");
        await Assertions.Expect(items.First).ToHaveAttributeAsync("data-to-state", "Stopped");
        Assert.Equal(["Stopping", "Stopped"], await ChipStatesAsync(items.Nth(0)));
        await Assertions.Expect(items.Nth(1)).ToHaveAttributeAsync("data-to-state", "Stopping");
        Assert.Equal(["Running", "Stopping"], await ChipStatesAsync(items.Nth(1)));
        await Assertions.Expect(items.Nth(1).Locator("[data-testid='timeline-reason']")).ToContainTextAsync("Session cluster is stopping.");
        // The context runs in UTC: the absolute time is the recorded one, to the second.
        await Assertions.Expect(items.Nth(0).Locator("[data-testid='timeline-observed']"))
            .ToContainTextAsync(stopped.ObservedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(items).ToHaveCountAsync(transitions.Count);

        var path = await PortalBrowser.ScreenshotAsync(page, "session-timeline");

        // The list shows the change too, and how long the session has been in its new state.
        var list = await OpenAsync("admin", $"/workspaces/{Workspace}/sessions?state=Stopped&pageSize=100");
        var row = list.Locator($"[data-testid='session-row'][data-session-id='{id}']");
        await Assertions.Expect(row.Locator("[data-testid='cell-state'] [data-testid='state-chip']")).ToHaveAttributeAsync("data-state", "Stopped");
        await Assertions.Expect(row.Locator("[data-testid='state-since']")).ToBeVisibleAsync();

        // And the admin's stop is in the audit log.
        var (status, audit) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/audit?action=session.stop&workspace={Workspace}", Ct);
        Assert.Equal(200, status);
        Assert.Contains(audit!["items"]!.AsArray(), e =>
            e!["sessionClusterId"]?.GetValue<string>() == id && e["userId"]!.GetValue<string>() == "admin" && e["outcome"]!.GetValue<string>() == "allowed");
    }

    [Fact]
    public async Task Start_and_stop_need_a_confirmation_and_cancelling_changes_nothing()
    {
        var id = await RunningSessionAsync();
        var page = await OpenAsync("admin", $"/workspaces/{Workspace}/sessions/{id}");

        await page.Locator("[data-testid='stop-session']").ClickAsync();
        await page.Locator("[data-testid='confirm-no']").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid='confirm-dialog']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".header-actions [data-testid='state-chip']").First).ToHaveAttributeAsync("data-state", "Running");
        var (status, detail) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions/{id}", Ct);
        Assert.Equal(200, status);
        Assert.Equal("Running", detail!["summary"]!["state"]!.GetValue<string>());
    }

    /// <summary>A Running session of the workspace that no test has stopped yet.</summary>
    private async Task<string> RunningSessionAsync()
    {
        var (status, list) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?state=Running&pageSize=100&sort=name&dir=asc", Ct);
        Assert.Equal(200, status);
        var ids = SignInTests.Ids(list);
        Assert.True(ids.Count >= 2, $"The E2E seed should give {Workspace} at least two Running sessions; it has {ids.Count}.");
        return ids[^1];
    }

    /// <summary>
    /// Reads the workspace list every half second (what an open list with auto-refresh does, only faster) until the
    /// proxy has recorded the session's arrival in Stopped; returns its recorded transitions.
    /// </summary>
    private async Task<IReadOnlyList<Transition>> WaitForRecordedStopAsync(string id)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(45);
        IReadOnlyList<Transition> transitions = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            var (listStatus, _) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?pageSize=100", Ct);
            Assert.Equal(200, listStatus);
            var (status, timeline) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions/{id}/timeline", Ct);
            Assert.Equal(200, status);
            transitions = timeline!["transitions"]!.AsArray().Select(t => new Transition(
                t!["fromState"]?.GetValue<string>(), t["toState"]!.GetValue<string>(), t["observedAt"]!.GetValue<DateTimeOffset>())).ToList();
            if (transitions.Any(t => t.To == "Stopped"))
            {
                return transitions;
            }

            await Task.Delay(500, Ct);
        }

        Assert.Fail($"The proxy recorded no Stopped transition for {id} within 45 s; recorded: {string.Join(", ", transitions)}");
        return transitions;
    }

    private async Task WaitForDetailStateAsync(string id, string state)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        string? shown = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var (status, detail) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions/{id}", Ct);
            Assert.Equal(200, status);
            shown = detail!["summary"]!["state"]!.GetValue<string>();
            if (shown == state)
            {
                return;
            }

            await Task.Delay(500, Ct);
        }

        Assert.Fail($"The proxy's detail of {id} still says {shown}, not {state}, after 30 s.");
    }

    private static async Task<IReadOnlyList<string?>> ChipStatesAsync(ILocator item) =>
        await item.Locator("[data-testid='timeline-transition'] [data-testid='state-chip']").EvaluateAllAsync<string?[]>(
            "chips => chips.map(c => c.getAttribute('data-state'))");

    private sealed record Transition(string? From, string To, DateTimeOffset ObservedAt);
}
