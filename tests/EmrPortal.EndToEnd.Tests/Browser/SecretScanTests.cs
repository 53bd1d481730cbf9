using System.Text;
using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Browser;

/// <summary>
/// Browse like the two kinds of user, record everything the browser received or keeps (HTML, every HTTP response,
/// every SignalR frame, cookies, local/session storage), then search it — and the apps' logs — for anything that
/// must never leave the proxy: the cloud key, the demo signing key, bearer tokens, connection tokens, the proxy's
/// or the cloud's address, and the real values behind redacted configs.
/// </summary>
public sealed partial class SecretScanTests(PortalFixture portal, BrowserFixture browser) : PortalTestBase(portal, browser)
{
    // A safety net: every wait below is bounded, but a hang here must fail this test, not stall the whole suite.
    [Fact(Timeout = 300_000)]
    public async Task No_credential_token_or_redacted_value_reaches_the_browser_or_the_logs()
    {
        // Ct is this token too; named here so the Timeout above can cancel what the test awaits.
        var ct = TestContext.Current.CancellationToken;
        var (secretSessionId, redactedValues) = await SessionDetailTests.FindSessionWithSecretsAsync(Portal, "w-analytics", ct);
        var (_, list) = await Portal.ProxyApi.GetAsync("admin", "/api/v1/workspaces/w-marketing/sessions?pageSize=5", Ct);
        var marketingId = SignInTests.Ids(list)[0];

        var seen = new StringBuilder();
        await BrowseAsync("viewer", seen, "/", "/workspaces/w-analytics/sessions", $"/workspaces/w-analytics/sessions/{secretSessionId}", "/sessions");
        await BrowseAsync("admin", seen, "/", "/workspaces/w-marketing/sessions?sort=name", $"/workspaces/w-marketing/sessions/{marketingId}",
            $"/workspaces/w-analytics/sessions/{secretSessionId}");
        var browserText = seen.ToString();
        Assert.True(browserText.Length > 10_000, "the scan saw almost nothing; the recording is broken");
        // Positive control: the redacted configs' keys were shown, so the detail page really was recorded.
        Assert.All(redactedValues.Keys, key => Assert.Contains(key, browserText, StringComparison.Ordinal));

        var forbidden = ForbiddenStrings(redactedValues);
        foreach (var (what, value) in forbidden)
        {
            Assert.False(browserText.Contains(value, StringComparison.Ordinal), $"The browser received {what}.");
        }

        var jwt = Jwt().Match(browserText);
        Assert.False(jwt.Success, jwt.Success ? $"The browser received a bearer token: {jwt.Value[..Math.Min(20, jwt.Value.Length)]}…" : "");
        Assert.False(ConnectionToken().IsMatch(browserText), "The browser received a connection token.");

        foreach (var process in Portal.Processes)
        {
            var log = await ReadSharedAsync(process.LogPath);
            Assert.True(log.Length > 0, $"{process.LogPath} is empty");
            foreach (var (what, value) in forbidden.Where(f => f.What is not ("the proxy's address" or "the cloud endpoint" or "the cloud AccessKeyId")))
            {
                Assert.False(log.Contains(value, StringComparison.Ordinal), $"{Path.GetFileName(process.LogPath)} contains {what}.");
            }

            Assert.False(Jwt().IsMatch(log), $"{Path.GetFileName(process.LogPath)} contains a bearer token.");
            Assert.False(ConnectionToken().IsMatch(log), $"{Path.GetFileName(process.LogPath)} contains a connection token.");
        }
    }

    private List<(string What, string Value)> ForbiddenStrings(Dictionary<string, string> redactedValues)
    {
        var keyBody = string.Concat(Portal.Identity.PrivateKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        var list = new List<(string, string)>
        {
            ("the cloud AccessKeySecret", PortalFixture.DemoAccessKeySecret),
            ("the cloud AccessKeyId", PortalFixture.DemoAccessKeyId),
            ("the demo signing key", keyBody[..40]),
            ("the demo signing key", keyBody[^40..]),
            ("a private key", "PRIVATE KEY"),
            ("the proxy's address", $"127.0.0.1:{Portal.Proxy!.Port}"),
            ("the cloud endpoint", $"127.0.0.1:{Portal.Emulator!.Port}"),
        };
        list.AddRange(redactedValues.Select(kv => ($"the redacted value of {kv.Key}", kv.Value)));
        return list;
    }

    private async Task BrowseAsync(string userId, StringBuilder seen, params string[] paths)
    {
        var context = await NewContextAsync();
        var network = new NetworkRecording(text => Append(seen, text), url => RefetchAsync(context, url));
        // Bodies only of requests that finished: a request the browser abandoned (it left the page, it cancelled a
        // favicon) never gets a body, so waiting for one would hang. Those are recorded as failed, with the reason.
        // A GET that finished just as the page was left may have lost its body: NetworkRecording fetches it again.
        context.RequestFinished += (_, request) => network.Finished(request);
        context.RequestFailed += (_, request) => network.Failed(request);
        var page = await PortalBrowser.OpenAsSignedInAsync(context, userId, paths[0]);
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => Append(seen, frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? []));
            socket.FrameSent += (_, frame) => Append(seen, frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? []));
        };

        foreach (var path in paths)
        {
            // Every page here runs a circuit. A prerendered 403 or error view shows before the circuit starts, so the
            // page is read once its circuit's socket is open: its negotiate has finished by then, and its body is read
            // before the page is left (the browser drops it with the document).
            var circuit = page.WaitForWebSocketAsync(new() { Predicate = ws => ws.Url.Contains("/_blazor", StringComparison.Ordinal), Timeout = PortalBrowser.PageTimeoutMs });
            await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            // Whatever the page ends up showing (data, a 403, an error) is what gets scanned.
            await page.Locator(PortalBrowser.PageShownSelector)
                .First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = PortalBrowser.PageTimeoutMs });
            await circuit;
            Append(seen, await page.ContentAsync().WaitAsync(ReadLimit, Ct));
            Append(seen, await page.EvaluateAsync<string>(
                "() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })").WaitAsync(ReadLimit, Ct));
            // Read what finished on this page before leaving it: the browser drops a document's bodies once the next
            // one commits.
            await network.ScannedAsync(ReadLimit, Ct);
        }

        foreach (var cookie in await context.CookiesAsync())
        {
            Append(seen, $"{cookie.Name}={cookie.Value}");
        }

        await page.GotoAsync("about:blank");
        await network.ScannedAsync(ReadLimit, Ct);
        var report = network.Report();
        TestContext.Current.TestOutputHelper?.WriteLine($"{userId}: {report.Scanned} response bodies scanned; re-fetched: " +
            (report.Refetched.Count == 0 ? "none" : string.Join(", ", report.Refetched)) + "; failed requests: " +
            (report.Failed.Count == 0 ? "none" : string.Join(", ", report.Failed)));
        Assert.True(report.Scanned > 0, "No response body was scanned; the recording is broken.");
        Assert.True(report.NotScanned.Count == 0, "Finished responses whose bodies were not scanned: " + string.Join("; ", report.NotScanned));
    }

    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);

    /// <summary>The URL again through the context's request API: the browser's cookies, no redirects followed.</summary>
    private static async Task<RefetchedResponse> RefetchAsync(IBrowserContext context, string url)
    {
        var response = await context.APIRequest.GetAsync(url, new() { MaxRedirects = 0, Timeout = (float)ReadLimit.TotalMilliseconds });
        await using (response)
        {
            return new RefetchedResponse(response.Status, response.Headers, await response.BodyAsync());
        }
    }

    private static void Append(StringBuilder seen, string text)
    {
        lock (seen)
        {
            seen.AppendLine(text);
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bct-[0-9a-f]{40}\b")]
    private static partial Regex ConnectionToken();
}
