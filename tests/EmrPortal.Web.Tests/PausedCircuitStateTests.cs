using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;

namespace EmrPortal.Web.Tests;

/// <summary>
/// What the pages hand on as persistent component state: the prerender hands its data to the circuit (no second
/// fetch); a pausing circuit hands on nothing, so a paused tab costs the server almost nothing and the resumed page
/// loads its view, by its URL, as it is then (docs/decisions.md#paused-circuits).
/// </summary>
public sealed class PausedCircuitStateTests : PortalTestContext
{
    private const string Ws = "w-analytics";

    [Fact]
    public void The_prerendered_list_hands_its_view_to_the_circuit()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Navigation.NavigateTo($"/workspaces/{Ws}/sessions");
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, Ws));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=session-row]").Count));

        var shown = cut.FindComponent<SessionListView>().Instance.Shown;
        Assert.NotNull(shown);
        Assert.Equal(3, shown.Page!.Items.Count);
    }

    [Fact]
    public void A_pausing_list_circuit_keeps_nothing_of_its_rows_or_pins()
    {
        Proxy.Pins.Add(new(Ws, "sc-002", FakeProxyClient.T0));
        Navigation.NavigateTo($"/workspaces/{Ws}/sessions");
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, Ws));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-list]").GetAttribute("data-ready")));

        Assert.Null(cut.FindComponent<SessionListView>().Instance.Shown);
        Assert.All(cut.FindComponents<PinnedSessions>(), pinned => Assert.Null(pinned.Instance.Shown));
    }

    [Fact]
    public void A_pausing_detail_or_workspace_list_circuit_keeps_nothing_either()
    {
        var session = FakeProxyClient.Session(Ws, "sc-001");
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: true));
        var detail = Render<SessionDetail>(p => p.Add(x => x.WorkspaceId, Ws).Add(x => x.SessionId, "sc-001"));
        detail.WaitForAssertion(() => Assert.Equal("true", detail.Find("[data-testid=session-detail]").GetAttribute("data-ready")));
        Assert.Null(detail.Instance.Shown);

        Proxy.Workspaces.Add(new(Ws, "Analytics", "RUNNING", null, null, null, null, null, null));
        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Single(home.FindAll("[data-testid=workspace-row]")));
        Assert.Null(home.Instance.Shown);
    }

    [Fact]
    public void The_prerendered_detail_and_workspace_list_hand_their_data_to_the_circuit()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var session = FakeProxyClient.Session(Ws, "sc-001");
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: true));
        var detail = Render<SessionDetail>(p => p.Add(x => x.WorkspaceId, Ws).Add(x => x.SessionId, "sc-001"));
        detail.WaitForAssertion(() => Assert.NotEmpty(detail.FindAll("[data-testid=configs]")));
        Assert.NotNull(detail.Instance.Shown);

        Proxy.Workspaces.Add(new(Ws, "Analytics", "RUNNING", null, null, null, null, null, null));
        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Single(home.FindAll("[data-testid=workspace-row]")));
        Assert.NotNull(home.Instance.Shown);
    }
}
