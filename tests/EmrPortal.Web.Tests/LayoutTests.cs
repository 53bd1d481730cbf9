using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Layout;

namespace EmrPortal.Web.Tests;

public sealed class LayoutTests : PortalTestContext
{
    [Fact]
    public void User_menu_shows_the_roles_the_proxy_reports_and_a_sign_out_form()
    {
        Proxy.Me = new("viewer", "Vic Viewer", ["Portal.Viewer", "Portal.Operator"], ["w-analytics"], IsAdmin: false);
        var host = Render(b =>
        {
            b.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<UserMenu>(1);
            b.CloseComponent();
        });

        host.Find("[data-testid=user-menu-button] button").Click();

        host.WaitForAssertion(() => Assert.Contains("Portal.Operator", host.Find("[data-testid=user-roles]").TextContent));
        var form = host.Find("[data-testid=sign-out]").Closest("form")!;
        Assert.Equal("/authentication/logout", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
    }

    [Fact]
    public void Home_lists_the_callers_workspaces_with_counts_and_an_all_sessions_link()
    {
        Proxy.Workspaces.Add(new("w-analytics", "Analytics", "RUNNING", null, null, null, null,
            new Dictionary<string, int> { ["Running"] = 103, ["Error"] = 56 }, 320));
        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=workspace-list]").GetAttribute("data-ready")));
        Assert.Equal("/workspaces/w-analytics/sessions", cut.Find("[data-testid=workspace-link]").GetAttribute("href"));
        Assert.Equal("320", cut.Find("[data-testid=workspace-count]").TextContent);
        Assert.Contains("Running 103", cut.Find("[data-testid=workspace-row]").TextContent);
        Assert.Equal("/sessions", cut.Find("a[data-testid=all-sessions-link]").GetAttribute("href"));
    }

    [Fact]
    public void Home_without_workspaces_says_whom_to_ask()
    {
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.Contains("Ask a Portal admin", cut.Find("[data-testid=no-workspaces]").TextContent));
    }

    [Fact]
    public void Error_view_shows_the_trace_id_and_never_exception_details()
    {
        var cut = Render<ErrorView>(p => p.Add(x => x.TraceId, "4bf92f3577b34da6a3ce929d0e0e4736"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", cut.Find("[data-testid=trace-id]").TextContent);
        Assert.DoesNotContain(" at ", cut.Markup, StringComparison.Ordinal);
    }
}
