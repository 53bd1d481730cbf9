using EmrPortal.Contracts;
using EmrPortal.Web.Components.Pages;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

public sealed class SessionDetailTests : PortalTestContext
{
    private static readonly SessionSummaryDto Thrift = FakeProxyClient.Session("w-analytics", "sc-001") with { Kind = "THRIFT" };

    private IRenderedComponent<SessionDetail> RenderDetail(string query = "")
    {
        Navigation.NavigateTo("/workspaces/w-analytics/sessions/sc-001" + query);
        var cut = Render<SessionDetail>(p => p.Add(x => x.WorkspaceId, "w-analytics").Add(x => x.SessionId, "sc-001"));
        return cut;
    }

    private static void WaitReady(IRenderedComponent<SessionDetail> cut) =>
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=session-detail]").GetAttribute("data-ready")));

    [Fact]
    public void Redacted_values_show_a_redacted_chip_and_never_the_placeholder_as_a_value()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail();
        WaitReady(cut);

        var secretRow = cut.Find("[data-testid=config-row][data-key='spark.hadoop.fs.oss.accessKeySecret']");
        Assert.NotNull(secretRow.QuerySelector("[data-testid=redacted-chip]"));
        Assert.Null(secretRow.QuerySelector("[data-testid=config-value]"));
        Assert.Equal("4g", cut.Find("[data-testid=config-row][data-key='spark.executor.memory'] [data-testid=config-value]").TextContent);
        Assert.Equal(["hive-site.xml", "spark-defaults.conf"], cut.FindAll("[data-testid=config-group]").Select(g => g.GetAttribute("data-file")));
    }

    [Fact]
    public void Viewer_gets_no_reveal_button()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail();
        WaitReady(cut);

        Assert.Empty(cut.FindAll("[data-testid=reveal]"));
    }

    [Fact]
    public void Admin_reveal_calls_the_proxy_and_shows_the_values_with_an_audit_notice()
    {
        AsAdmin();
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        Proxy.Revealed = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: false));
        var cut = RenderDetail();
        WaitReady(cut);

        cut.Find("[data-testid=reveal]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=revealed-banner]")));
        Assert.Equal(1, Proxy.RevealCalls);
        Assert.Equal("s3cr3t-value", cut.Find("[data-testid=config-row][data-key='spark.hadoop.fs.oss.accessKeySecret'] [data-testid=config-value]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=reveal]"));
    }

    [Fact]
    public void Copy_link_copies_the_sessions_absolute_address_through_the_clipboard()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail("?from=%2Fworkspaces%2Fw-analytics%2Fsessions%3Fpage%3D2");
        WaitReady(cut);

        cut.Find("[data-testid=copy-link]").Click();

        var call = JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal("http://localhost/workspaces/w-analytics/sessions/sc-001", call.Arguments.Single());
    }

    [Fact]
    public void Breadcrumb_returns_to_the_list_state_passed_in_from()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail("?from=%2Fworkspaces%2Fw-analytics%2Fsessions%3Fpage%3D2%26sort%3Dname");
        WaitReady(cut);

        Assert.Contains(cut.FindAll("[data-testid=breadcrumbs] a"), a => a.GetAttribute("href") == "/workspaces/w-analytics/sessions?page=2&sort=name");
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    public void Breadcrumb_ignores_a_from_that_is_not_a_local_path(string from)
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail("?from=" + Uri.EscapeDataString(from));
        WaitReady(cut);

        var hrefs = cut.FindAll("[data-testid=breadcrumbs] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/workspaces/w-analytics/sessions", hrefs);
        Assert.DoesNotContain(hrefs, h => h!.Contains("evil", StringComparison.Ordinal));
    }

    [Fact]
    public void Spark_ui_link_opens_in_a_new_tab_without_opener_or_referrer()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail();
        WaitReady(cut);

        var link = cut.Find("[data-testid=webui-link]");
        Assert.Equal("https://spark-ui.example.com/sc-001", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
    }

    [Fact]
    public void Non_http_web_ui_is_not_rendered_as_a_link()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true, webUi: "javascript:alert(1)"));
        var cut = RenderDetail();
        WaitReady(cut);

        Assert.Empty(cut.FindAll("[data-testid=webui-link]"));
        Assert.DoesNotContain("javascript:", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Thrift_session_shows_a_beeline_hint_with_a_token_placeholder()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true));
        var cut = RenderDetail();
        WaitReady(cut);

        var commands = cut.FindAll("[data-testid=beeline-command]").Select(c => c.TextContent).ToList();
        Assert.Contains("beeline -u \"jdbc:hive2://sc-001.emr.example.com:443/;transportMode=http;httpPath=cliservice/token/<token>\"", commands);
    }

    [Fact]
    public void A_domain_that_is_not_a_host_name_never_reaches_a_command()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(Thrift, redacted: true, domain: "x.example.com\"; rm -rf ~; echo \""));
        var cut = RenderDetail();
        WaitReady(cut);

        Assert.DoesNotContain(cut.FindAll("[data-testid=beeline-command]"), c => c.TextContent.Contains("rm -rf", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_session_shows_the_not_found_page()
    {
        Proxy.Detail = null;
        var cut = RenderDetail();
        cut.WaitForAssertion(() => Assert.Contains("Session not found", cut.Find("[data-testid=not-found-view]").TextContent));
    }

    [Fact]
    public void Forbidden_session_shows_the_no_access_page()
    {
        Proxy.Detail = ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "Forbidden", null));
        var cut = RenderDetail();
        cut.WaitForAssertion(() => Assert.Contains("workspace w-analytics", cut.Find("[data-testid=forbidden-view]").TextContent));
    }

    [Fact]
    public void Invalid_session_id_is_not_found_without_asking_the_proxy()
    {
        Navigation.NavigateTo("/workspaces/w-analytics/sessions/x");
        var cut = Render<SessionDetail>(p => p.Add(x => x.WorkspaceId, "w-analytics").Add(x => x.SessionId, "..%2Fother"));

        Assert.NotNull(cut.Find("[data-testid=not-found-view]"));
        Assert.Equal(0, Proxy.DetailCalls);
    }
}
