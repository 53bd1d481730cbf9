using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Web.Tests;

/// <summary>
/// A prerender (not interactive) shows the rows but does not call itself ready: browser tests and people must not click
/// before the circuit is up. The viewer's time zone from the document request is used from the first render.
/// </summary>
public sealed class PrerenderedRenderTests : PortalTestContext
{
    public PrerenderedRenderTests() => SetRendererInfo(new RendererInfo("Static", isInteractive: false));

    [Fact]
    public void A_prerendered_list_shows_its_rows_but_is_not_ready_until_interactive()
    {
        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=session-row]").Count));
        Assert.Equal("false", cut.Find("[data-testid=session-list]").GetAttribute("data-ready"));
        Assert.Single(Proxy.SessionRequests);
    }

    [Fact]
    public void A_prerendered_detail_and_workspace_list_are_not_ready_until_interactive()
    {
        var session = FakeProxyClient.Session("w-analytics", "sc-001");
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: true));
        var detail = Render<SessionDetail>(p => p.Add(x => x.WorkspaceId, "w-analytics").Add(x => x.SessionId, "sc-001"));
        detail.WaitForAssertion(() => Assert.NotEmpty(detail.FindAll("[data-testid=configs]")));
        Assert.Equal("false", detail.Find("[data-testid=session-detail]").GetAttribute("data-ready"));
        Assert.Equal("false", detail.Find("[data-testid=session-detail]").GetAttribute("data-interactive"));

        Proxy.Workspaces.Add(new("w-analytics", "Analytics", "RUNNING", null, null, null, null, null, null));
        var home = Render<Home>();
        home.WaitForAssertion(() => Assert.Single(home.FindAll("[data-testid=workspace-row]")));
        Assert.Equal("false", home.Find("[data-testid=workspace-list]").GetAttribute("data-ready"));
    }

    [Fact]
    public void Times_show_in_the_zone_the_document_request_named_from_the_first_render()
    {
        Services.GetRequiredService<BrowserInterop>().SetKnown("Asia/Shanghai", null);
        Navigation.NavigateTo("/workspaces/w-analytics/sessions");
        var cut = Render<WorkspaceSessions>(p => p.Add(x => x.WorkspaceId, "w-analytics"));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=session-row]").Count));
        // No script was asked: the zone came with the request.
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "emrPortal.timeZone");
    }
}
