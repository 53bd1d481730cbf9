using System.Text.Json.Nodes;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// "In this state for" uses the cloud API's own start time where it has one and labels the portal's observations as
/// such; the running chart starts where the portal's record starts (no flat line, then a jump).
/// </summary>
public sealed class StateTimesTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-marketing";

    [Fact]
    public async Task A_running_session_shows_time_since_its_api_start_and_a_stopped_one_is_labelled_observed()
    {
        var (_, running) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?state=Running&sort=name&dir=asc&pageSize=1", Ct);
        var session = running!["items"]!.AsArray()[0]!;
        var startTime = session["startTime"]!.GetValue<DateTimeOffset>();
        Assert.Equal(startTime, session["stateSince"]!.GetValue<DateTimeOffset>());
        Assert.False(session["stateSinceObserved"]!.GetValue<bool>());

        var page = await OpenAsync("admin", $"/workspaces/{Workspace}/sessions?state=Running&sort=name&dir=asc");
        await PortalBrowser.WaitForListReadyAsync(page);
        var since = page.Locator($"[data-testid='session-row'][data-session-id='{session["sessionClusterId"]!.GetValue<string>()}'] [data-testid='state-since']");
        await Assertions.Expect(since).ToHaveAttributeAsync("data-source", "api");
        await Assertions.Expect(since).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(
            "^Since " + System.Text.RegularExpressions.Regex.Escape(startTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))));

        var stopped = await FirstObservedAsync();
        await page.GotoAsync($"/workspaces/{Workspace}/sessions?state={stopped.State}&sort=name&dir=asc&pageSize=100");
        await PortalBrowser.WaitForListReadyAsync(page);
        var observed = page.Locator($"[data-testid='session-row'][data-session-id='{stopped.Id}'] [data-testid='state-since']");
        await Assertions.Expect(observed).ToHaveAttributeAsync("data-source", "observed");
        await Assertions.Expect(observed).ToContainTextAsync("for ≥");
        await Assertions.Expect(observed).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^Observed by the portal since "));

        await page.GotoAsync($"/workspaces/{Workspace}/sessions/{stopped.Id}");
        await Assertions.Expect(page.Locator("td[data-testid='state-since']")).ToContainTextAsync("observed by the portal since");
    }

    [Fact]
    public async Task The_running_chart_starts_at_the_portals_first_observation()
    {
        // The portal has watched this workspace for minutes, not a day: the 24 h series starts at its first recording.
        await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions", Ct);
        var (_, overview) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/overview", Ct);
        var day = overview!["running24h"]!.AsArray();
        Assert.InRange(day.Count, 1, 23);

        var page = await OpenAsync("admin", $"/workspaces/{Workspace}");
        var chart = page.Locator("[data-testid='running-chart']").Last;
        await Assertions.Expect(page.Locator("[data-testid='running-chart'][data-points='24']")).ToHaveCountAsync(0);
        await Assertions.Expect(chart).ToBeVisibleAsync();
    }

    /// <summary>A session in a state the API gives no time for, whose time the portal observed.</summary>
    private async Task<(string Id, string State)> FirstObservedAsync()
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline;)
        {
            var (_, list) = await Portal.ProxyApi.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?state=Stopped&sort=name&dir=asc&pageSize=100", Ct);
            if (list!["items"]!.AsArray().FirstOrDefault(s => s!["stateSinceObserved"]?.GetValue<bool>() == true) is JsonNode s)
            {
                return (s["sessionClusterId"]!.GetValue<string>(), "Stopped");
            }

            // The recorder writes the first observation just after the first scan.
            await Task.Delay(250, Ct);
        }

        Assert.Fail("no Stopped session with an observed state time");
        return default;
    }
}
