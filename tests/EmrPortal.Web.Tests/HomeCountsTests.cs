using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;

namespace EmrPortal.Web.Tests;

/// <summary>The home page's counts come from the proxy's snapshots (asked for with scan), a skeleton while the first scan runs.</summary>
public sealed class HomeCountsTests : PortalTestContext
{
    private static WorkspaceDto Workspace(string scanState, int? count) =>
        new("w-analytics", "Analytics", "RUNNING", null, null, null, null,
            count is null ? null : new Dictionary<string, int> { ["Running"] = count.Value }, count)
        { ScanState = scanState };

    [Fact]
    public void Home_asks_the_proxy_to_scan_and_shows_a_skeleton_until_the_counts_arrive()
    {
        Proxy.WorkspacesByCall = n => n == 1 ? [Workspace(ScanStates.Scanning, null)] : [Workspace(ScanStates.Ready, 320)];
        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=workspace-list]").GetAttribute("data-ready")));
        Assert.True(Assert.Single(Proxy.WorkspaceRequests));
        var cell = cut.Find("[data-testid=workspace-count]");
        Assert.NotNull(cell.QuerySelector("[data-testid=workspace-count-loading]"));
        Assert.DoesNotContain("not loaded", cut.Markup, StringComparison.OrdinalIgnoreCase);

        Time.Advance(Home.ScanPollInterval);
        cut.WaitForAssertion(() => Assert.Equal("320", cut.Find("[data-testid=workspace-count]").TextContent));
        Assert.Contains("Running 320", cut.Find("[data-testid=workspace-row]").TextContent);

        // Nothing is scanning any more: no further polls.
        Time.Advance(Home.ScanPollInterval * 5);
        Assert.Equal(2, Proxy.WorkspaceRequests.Count);
    }

    [Fact]
    public void A_workspace_whose_scan_failed_says_unavailable_and_is_not_polled()
    {
        Proxy.WorkspacesByCall = _ => [Workspace(ScanStates.Failed, null)];
        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal("unavailable", cut.Find("[data-testid=workspace-count]").TextContent.Trim()));
        Time.Advance(Home.ScanPollInterval * 3);
        Assert.Single(Proxy.WorkspaceRequests);
    }
}
