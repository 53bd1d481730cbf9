using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// The workspace list, the session lists and a session's detail are prerendered: their rows are in the document the
/// server sends, and the circuit takes them over from persistent component state (no second proxy fetch, no loading
/// state in between). URL state, sign-in, 403/404 and the viewer's defaults look the same before and after the
/// circuit starts; a hidden tab's circuit pauses and resumes on the same view.
/// </summary>
public sealed partial class PrerenderTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    private const string Workspace = "w-finance";

    // Records, in the page, whether the list ever showed no rows after it first showed some (a loading state or a
    // refetch between the prerendered and the interactive render would).
    private const string RowsWatcher = """
        (() => {
          window.__rowsSeen = false; window.__rowsGone = false;
          const check = () => {
            const n = document.querySelectorAll("[data-testid='session-list'] [data-testid='session-row']").length;
            if (n > 0) window.__rowsSeen = true; else if (window.__rowsSeen) window.__rowsGone = true;
          };
          new MutationObserver(check).observe(document, { childList: true, subtree: true });
        })();
        """;

    [Fact]
    public async Task A_deep_link_signs_in_and_the_document_itself_carries_the_rows_of_the_asked_view()
    {
        const string query = "sort=name&dir=asc&pageSize=5&page=2";
        var path = $"/workspaces/{Workspace}/sessions?{query}";
        var expected = Ids(await ProxyPageAsync("admin", query));
        Assert.NotEmpty(expected);

        // Deep link → sign-in → the same page, query included.
        var page = await OpenAsync("admin", path);
        Assert.Equal(path, PortalBrowser.PathAndQuery(page.Url));
        await PortalBrowser.ExpectRowsAsync(page, expected);

        // The document the server sends, before any script runs: the rows in order, the list not yet "ready"
        // (ready means interactive), and the view's state for the circuit.
        var html = await DocumentAsync(page, path);
        Assert.Equal(expected, RowIdsIn(html));
        Assert.Contains("data-testid=\"session-list\" data-ready=\"false\"", html, StringComparison.Ordinal);
        Assert.Contains("Blazor-Server-Component-State", html, StringComparison.Ordinal);
        Assert.Contains("aria-sort=\"ascending\"", html, StringComparison.Ordinal);
        // The first row's name link, and only it, is marked for Element Timing (how the first-row paint is measured).
        var marked = Assert.Single(Regex.Matches(html, "elementtiming=\"([^\"]*)\""));
        Assert.Equal("first-row", marked.Groups[1].Value);
        Assert.True(marked.Index > html.IndexOf($"data-session-id=\"{expected[0]}\"", StringComparison.Ordinal));
        Assert.True(marked.Index < html.IndexOf($"data-session-id=\"{expected[1]}\"", StringComparison.Ordinal));
        Assert.Matches("data-testid=\"session-link\" elementtiming=\"first-row\"", html);
    }

    [Fact]
    public async Task The_proxy_is_asked_once_per_list_navigation_and_the_rows_never_leave_the_screen()
    {
        var page = await OpenAsync("admin", "/");
        await page.Context.AddInitScriptAsync(RowsWatcher);
        const string query = "sort=state&dir=desc&pageSize=7";
        var expected = Ids(await ProxyPageAsync("admin", query));
        var before = Portal.Telemetry.Spans.Select(s => s.TraceId).ToHashSet(StringComparer.Ordinal);

        await page.GotoAsync($"/workspaces/{Workspace}/sessions?{query}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await PortalBrowser.ExpectRowsAsync(page, expected);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__rowsSeen && !window.__rowsGone"), "the rows left the screen between the prerendered and the interactive render");

        // A later request through the same circuit (a session's detail, its id in the proxy's path) proves the proxy's
        // spans up to then have been collected: a second list fetch by the circuit would be among them.
        var sessionId = expected[0];
        await page.Locator($"[data-testid='session-row'][data-session-id='{sessionId}'] [data-testid='session-link']").ClickAsync();
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        var detailPath = $"/api/v1/workspaces/{Workspace}/sessions/{sessionId}";
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!NewSpans(before).Any(s => s.Service == "proxy" && s.Raw.Contains(detailPath, StringComparison.Ordinal)))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the proxy's span for the detail request was not collected");
            await Task.Delay(200, Ct);
        }

        var spans = NewSpans(before);
        var fromWeb = spans.Where(s => s.Service == "web").Select(s => s.TraceId).ToHashSet(StringComparer.Ordinal);
        const string listPath = $"/api/v1/workspaces/{Workspace}/sessions";
        var listFetches = spans.Where(s => s.Service == "proxy" && s.Scope.Contains("AspNetCore", StringComparison.Ordinal) && fromWeb.Contains(s.TraceId)
                                           && s.Raw.Contains(listPath, StringComparison.Ordinal) && !s.Raw.Contains(listPath + "/", StringComparison.Ordinal)
                                           && !s.Raw.Contains(listPath + ".csv", StringComparison.Ordinal)).ToList();
        Assert.Single(listFetches);
    }

    [Fact]
    public async Task A_viewers_default_mine_view_is_the_same_in_the_document_and_after_the_circuit_starts()
    {
        // The demo viewer has a mapped cloud user: a bare list URL means "mine".
        const string path = "/workspaces/w-analytics/sessions";
        var expected = Ids(await ProxyPageAsync("viewer", "mine=true", "w-analytics"));
        var page = await OpenAsync("viewer", path);

        await PortalBrowser.ExpectRowsAsync(page, expected);
        Assert.Equal(path, PortalBrowser.PathAndQuery(page.Url));
        await Assertions.Expect(page.Locator("[data-testid='mine-filter']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='mine-mine']")).ToHaveAttributeAsync("aria-pressed", "true");
        var html = await DocumentAsync(page, path);
        Assert.Equal(expected, RowIdsIn(html));
        Assert.Contains("data-testid=\"mine-filter\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_and_not_found_pages_are_the_same_in_the_document_and_after_the_circuit_starts()
    {
        // The viewer may see only w-analytics.
        var forbidden = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "viewer", "/workspaces/w-marketing/sessions");
        await Assertions.Expect(forbidden.Locator("[data-testid='forbidden-view']")).ToBeVisibleAsync();
        Assert.Contains("data-testid=\"forbidden-view\"", await DocumentAsync(forbidden, "/workspaces/w-marketing/sessions"), StringComparison.Ordinal);

        const string missing = $"/workspaces/{Workspace}/sessions/sc-doesnotexist";
        var notFound = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(), "admin", missing);
        await Assertions.Expect(notFound.Locator("[data-testid='not-found-view']")).ToBeVisibleAsync();
        // Still there once the circuit has rendered (the detail's data-ready stays false for a missing session).
        await notFound.Locator("[data-testid='session-detail'][data-interactive='true'] [data-testid='not-found-view']")
            .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        Assert.Contains("data-testid=\"not-found-view\"", await DocumentAsync(notFound, missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sessions_detail_and_the_workspace_list_are_in_their_documents()
    {
        var rows = await ProxyPageAsync("admin", "pageSize=1");
        var session = rows!["items"]!.AsArray()[0]!;
        var id = session["sessionClusterId"]!.GetValue<string>();
        var detailPath = $"/workspaces/{Workspace}/sessions/{id}";
        var page = await OpenAsync("admin", detailPath);
        await Assertions.Expect(page.Locator("[data-testid='session-detail'][data-ready='true']")).ToBeAttachedAsync();

        var detail = await DocumentAsync(page, detailPath);
        Assert.Contains("data-testid=\"session-detail\" data-ready=\"false\"", detail, StringComparison.Ordinal);
        Assert.Contains(id, detail, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"configs\"", detail, StringComparison.Ordinal);

        var home = await DocumentAsync(page, "/");
        Assert.Equal(PortalFixture.SeededWorkspaces.Count, Regex.Count(home, "data-testid=\"workspace-row\""));
    }

    [Fact]
    public async Task A_hidden_tab_pauses_its_circuit_and_shows_the_same_view_when_it_comes_back()
    {
        var settings = PortalFixture.WebSettings(Portal.Proxy!.BaseAddress, Portal.Identity.PrivateKeyPem);
        settings["Circuits__PauseHiddenAfter"] = "00:00:00.300";
        settings["Logging__LogLevel__Microsoft.AspNetCore.Components.Server"] = "Debug";
        await using var web = await RunningApp.StartAsync("Web", "web-pause", PortalFixture.WithoutNulls(settings), Ct);
        const string query = "sort=name&dir=desc&pageSize=5&page=2";
        var path = $"/workspaces/{Workspace}/sessions?{query}";
        var expected = Ids(await ProxyPageAsync("admin", query));
        var page = await PortalBrowser.OpenAsSignedInAsync(await NewContextAsync(web.BaseAddress), "admin", path);
        await PortalBrowser.ExpectRowsAsync(page, expected);

        await SetHiddenAsync(page, hidden: true);
        await page.Locator("html[data-circuit='paused']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await SetHiddenAsync(page, hidden: false);
        await page.Locator("html[data-circuit='resumed']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

        await PortalBrowser.ExpectRowsAsync(page, expected);
        Assert.Equal(path, PortalBrowser.PathAndQuery(page.Url));
        // The resumed circuit is live: the next page is a click away.
        await page.Locator("[data-testid='page-next']").ClickAsync();
        await PortalBrowser.WaitForListAsync(page, "page", "3");
        await PortalBrowser.ExpectRowsAsync(page, Ids(await ProxyPageAsync("admin", "sort=name&dir=desc&pageSize=5&page=3")));
    }

    /// <summary>What the browser does when a tab goes to the background or comes back (the page sees the same event).</summary>
    private static Task SetHiddenAsync(IPage page, bool hidden) => page.EvaluateAsync(
        """
        hidden => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => hidden ? "hidden" : "visible" });
          document.dispatchEvent(new Event("visibilitychange"));
        }
        """, hidden);

    /// <summary>The document the server sends for <paramref name="path"/> with this page's cookies (no script runs).</summary>
    // The computed styles (and rounded boxes) of what the list's first screen shows: app bar, banner, toolbar and its
    // inputs, the table header, the first rows and their cells, chips, buttons and icons, the pager.
    private const string FirstScreenStyles = """
        () => {
          const props = ["display", "position", "box-sizing", "font-family", "font-size", "font-weight", "line-height", "color",
            "background-color", "padding-top", "padding-right", "padding-bottom", "padding-left", "margin-top", "margin-left",
            "border-top-width", "border-bottom-width", "border-radius", "box-shadow", "text-align", "vertical-align", "white-space", "overflow-x"];
          const selectors = ["header.mud-appbar", ".mud-toolbar", ".session-toolbar", ".session-toolbar .mud-input-control", ".mud-input-outlined-border",
            "thead th", "[data-testid='session-row']", "[data-testid='session-row'] td", ".mud-chip", ".mud-button-root", ".mud-svg-icon", ".session-pager"];
          const out = {};
          for (const sel of selectors) {
            const els = [...document.querySelectorAll(sel)].slice(0, 6);
            out[sel] = els.map(el => {
              const cs = getComputedStyle(el), r = el.getBoundingClientRect();
              return props.map(p => p + ":" + cs.getPropertyValue(p)).join(";") + `;box:${Math.round(r.x)},${Math.round(r.y)},${Math.round(r.width)},${Math.round(r.height)}`;
            });
          }
          return JSON.stringify(out, null, 1);
        }
        """;

    private const string AllBoxes = """
        () => [...document.body.querySelectorAll("*")].filter(el => !(el instanceof SVGElement) || el.tagName === "svg").map(el => {
          const r = el.getBoundingClientRect();
          return `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}[${el.getAttribute("data-testid") ?? ""}] ${Math.round(r.x)},${Math.round(r.y)},${Math.round(r.width)},${Math.round(r.height)} ${getComputedStyle(el).display}`;
        }).filter(line => !line.endsWith(" none"))
        """;

    [Fact]
    public async Task The_first_paint_looks_as_it_does_with_MudBlazors_whole_stylesheet()
    {
        // The document inlines only the MudBlazor rules its markup uses; the whole sheet is switched on after the first
        // frame. Both pages stay prerendered (blazor.web.js is not loaded: no circuit re-renders anything), one with
        // the whole sheet applied, one with it never loaded: what the first screen shows must be styled identically.
        const string path = $"/workspaces/{Workspace}/sessions?sort=name&dir=asc&pageSize=25";
        var signedIn = await OpenAsync("admin", path);
        await signedIn.Locator("[data-testid='session-list'][data-ready='true']").WaitForAsync();
        var context = signedIn.Context;
        // One rendering of the page for both (two renders may differ, e.g. in a refresh note), served to each tab as is.
        var document = await DocumentAsync(signedIn, path);
        async Task ServeAsync(IPage page) => await page.RouteAsync(url => url.EndsWith(path, StringComparison.Ordinal),
            route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html; charset=utf-8", Body = document }));

        var whole = await context.NewPageAsync();
        await ServeAsync(whole);
        await whole.RouteAsync(url => url.Contains("/_framework/blazor.web", StringComparison.Ordinal), route => route.AbortAsync());
        await whole.GotoAsync(path);
        await whole.WaitForFunctionAsync("""
            () => [...document.querySelectorAll("link[data-deferred-style]")].some(l => l.rel === "stylesheet" && l.sheet && l.sheet.cssRules.length > 1000)
            """);
        var withWholeSheet = await whole.EvaluateAsync<string>(FirstScreenStyles);

        var critical = await context.NewPageAsync();
        await ServeAsync(critical);
        await critical.RouteAsync(url => url.Contains("/_framework/blazor.web", StringComparison.Ordinal) || url.Contains("/lib/mudblazor/MudBlazor.min.", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal),
            route => route.AbortAsync());
        await critical.GotoAsync(path);
        await critical.Locator("[data-testid='session-row']").First.WaitForAsync();
        // The whole sheet's request failed: its link holds no rules (a failed same-origin sheet is not even readable).
        Assert.Equal(0, await critical.EvaluateAsync<int>("""
            () => [...document.styleSheets].filter(s => s.href && s.href.includes("/lib/mudblazor/"))
              .reduce((n, s) => { try { return n + s.cssRules.length; } catch { return n; } }, 0)
            """));
        var inlineOnly = await critical.EvaluateAsync<string>(FirstScreenStyles);

        Assert.Contains("session-row", withWholeSheet, StringComparison.Ordinal);
        // Every element's box above the fold, first: a difference names the element that moved.
        var boxesWhole = (await whole.EvaluateAsync<string[]>(AllBoxes)).ToList();
        var boxesInline = (await critical.EvaluateAsync<string[]>(AllBoxes)).ToList();
        var differences = boxesWhole.Zip(boxesInline).Where(p => p.First != p.Second).Take(8).Select(p => $"{p.First} (whole sheet) vs {p.Second} (inline rules only)").ToList();
        Assert.True(differences.Count == 0 && boxesWhole.Count == boxesInline.Count, "laid out differently:\n" + string.Join("\n", differences));
        Assert.Equal(withWholeSheet, inlineOnly);
    }

    private static async Task<string> DocumentAsync(IPage page, string path)
    {
        var response = await page.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
        Assert.Equal(200, response.Status);
        return await response.TextAsync();
    }

    private static List<string> RowIdsIn(string html) =>
        [.. RowId().Matches(html).Select(m => m.Groups[1].Value)];

    private IEnumerable<CollectedSpan> NewSpans(HashSet<string> before) =>
        Portal.Telemetry.Spans.Where(s => !before.Contains(s.TraceId));

    private async Task<JsonNode?> ProxyPageAsync(string userId, string query, string workspace = Workspace)
    {
        var (status, body) = await Portal.ProxyApi.GetAsync(userId, $"/api/v1/workspaces/{workspace}/sessions?{query}", Ct);
        Assert.Equal(200, status);
        return body;
    }

    private static List<string> Ids(JsonNode? page) => [.. SignInTests.Ids(page)];

    [GeneratedRegex("data-testid=\"session-row\"[^>]*?data-session-id=\"([^\"]+)\"")]
    private static partial Regex RowId();

}
