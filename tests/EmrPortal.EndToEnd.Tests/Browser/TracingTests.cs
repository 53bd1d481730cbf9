using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>ServiceDefaults' promise: a click in the portal is one trace from the Blazor circuit down to the emulator.</summary>
public sealed class TracingTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    [Fact]
    public async Task Opening_a_session_from_the_list_is_one_trace_from_the_circuit_through_the_proxy_to_the_emulator()
    {
        var page = await OpenAsync("admin", "/workspaces/w-marketing/sessions?sort=name&dir=desc&pageSize=10");
        var link = page.Locator("[data-testid='session-row']").Nth(4);
        var sessionId = await link.GetAttributeAsync("data-session-id") ?? throw new InvalidOperationException("row without id");

        await link.Locator("[data-testid='session-link']").ClickAsync();
        // Polled (the circuit's pushState can slip past Playwright's WaitForURL), then the detail itself: right after the
        // URL changes the list is still on the page, "ready".
        await PortalBrowser.WaitForUrlAsync(page, url => url.Contains($"/sessions/{sessionId}", StringComparison.Ordinal));
        await page.Locator("[data-testid='session-detail'][data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        // The emulator's server span for GetSessionCluster of this session, and every span sharing its trace. Exported
        // in batches every 200 ms by three processes: on a loaded machine that can take a while.
        List<CollectedSpan> trace = [];
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!HasAllHops(trace) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
            var spans = Portal.Telemetry.Spans;
            var emulatorSpan = spans.LastOrDefault(s => s.Service == "emulator" && s.Raw.Contains(sessionId, StringComparison.Ordinal));
            trace = emulatorSpan is null ? [] : spans.Where(s => s.TraceId == emulatorSpan.TraceId).ToList();
        }

        Assert.True(HasAllHops(trace),
            "Expected one trace with a Blazor span (web), an HttpClient span (web), the proxy's server span and the emulator's. "
            + "The emulator's span is in a trace of: " + string.Join("; ", trace.Select(s => $"{s.Service}/{s.Scope}/{s.Name}"))
            + ". The proxy's request for this session is in a trace of: " + string.Join("; ", ProxyRequestTrace(sessionId).Select(s => $"{s.Service}/{s.Scope}/{s.Name}")));
    }

    private IEnumerable<CollectedSpan> ProxyRequestTrace(string sessionId)
    {
        var spans = Portal.Telemetry.Spans;
        var request = spans.LastOrDefault(s => s.Service == "proxy" && s.Scope.Contains("AspNetCore", StringComparison.Ordinal)
                                               && s.Raw.Contains(sessionId, StringComparison.Ordinal));
        return request is null ? [] : spans.Where(s => s.TraceId == request.TraceId);
    }

    private static bool HasAllHops(List<CollectedSpan> trace) =>
        trace.Any(s => s.Service == "web" && s.Scope == "Microsoft.AspNetCore.Components")
        && trace.Any(s => s.Service == "web" && s.Scope.Contains("Http", StringComparison.Ordinal) && !s.Scope.Contains("AspNetCore", StringComparison.Ordinal))
        && trace.Any(s => s.Service == "proxy" && s.Scope.Contains("AspNetCore", StringComparison.Ordinal))
        && trace.Any(s => s.Service == "emulator" && s.Scope.Contains("AspNetCore", StringComparison.Ordinal));
}
