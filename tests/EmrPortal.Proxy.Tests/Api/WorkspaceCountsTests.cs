using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The home page's counts come from the proxy's snapshots without anyone opening a workspace: asked with scan=true,
/// the workspace list starts the first scans and waits for them within a budget; past it, it says which still scan.
/// </summary>
public sealed class WorkspaceCountsTests
{
    [Fact]
    public async Task The_workspace_list_with_scan_warms_every_visible_workspace_and_answers_with_counts()
    {
        await using var host = new ProxyHost(
            proxySettings: new Dictionary<string, string?> { ["Snapshots:WorkspaceScanBudget"] = "00:01:00" },
            emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" });
        var api = new Api(host);

        // A plain list triggers nothing: nobody opened a workspace, so there are no counts yet.
        var plain = await api.GetOk<List<WorkspaceDto>>("admin", "/api/v1/workspaces");
        Assert.All(plain, w => Assert.Null(w.SessionCount));
        Assert.Equal(0, host.Calls.Count("ListSessionClusters"));

        var warmed = await api.GetOk<List<WorkspaceDto>>("admin", "/api/v1/workspaces?scan=true");
        Assert.Equal(4, warmed.Count);
        foreach (var w in warmed)
        {
            Assert.Equal(ScanStates.Ready, w.ScanState);
            var page = await api.GetOk<SessionPageDto>("admin", $"/api/v1/workspaces/{w.WorkspaceId}/sessions?pageSize=1");
            Assert.Equal(page.TotalCount, w.SessionCount);
            Assert.Equal(page.TotalCount, w.SessionCountsByState!.Values.Sum());
        }

        // Only what the caller may see is scanned for them.
        var viewer = Assert.Single(await api.GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces?scan=true"));
        Assert.Equal("w-analytics", viewer.WorkspaceId);
    }

    [Fact]
    public async Task Past_its_budget_the_workspace_list_answers_at_once_and_says_the_scan_is_running()
    {
        await using var host = new ProxyHost(
            proxySettings: new Dictionary<string, string?> { ["Snapshots:WorkspaceScanBudget"] = "00:00:00.200" },
            emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" });
        var api = new Api(host);
        await api.GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces"); // the workspace list itself, before the latency
        await host.EmulatorAdminAsync("PUT", "/admin/faults", """{"latency":{"fixedMs":1500,"jitterMs":0}}""");

        var scanning = Assert.Single(await api.GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces?scan=true"));
        Assert.Equal(ScanStates.Scanning, scanning.ScanState);
        Assert.Null(scanning.SessionCount);

        WorkspaceDto ready = scanning;
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); ready.SessionCount is null && DateTimeOffset.UtcNow < deadline;)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            ready = Assert.Single(await api.GetOk<List<WorkspaceDto>>("viewer", "/api/v1/workspaces?scan=true"));
        }

        Assert.Equal(320, ready.SessionCount);
        Assert.Equal(ScanStates.Ready, ready.ScanState);
        // One scan (4 pages), however often the list was asked for meanwhile.
        Assert.Equal(4, host.Calls.Count("ListSessionClusters"));
    }

    private sealed class Api(ProxyHost host) : ApiTestBase(host)
    {
        public new Task<T> GetOk<T>(string user, string path) => base.GetOk<T>(user, path);
    }
}
