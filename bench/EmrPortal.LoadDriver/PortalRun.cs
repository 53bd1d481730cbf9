using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.Json;
using EmrPortal.Bench;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Playwright;

namespace EmrPortal.LoadDriver;

/// <summary>
/// Portal figures through Debian Chromium (Playwright) against the published Emulator, Proxy and Web on loopback:
/// navigation → first data row visible on a warm list page, sort click → rows updated, and server memory per idle
/// circuit (the web process's GC heap after a full GC induced over its diagnostics port, before and after opening
/// that many list pages in separate browser contexts). No endpoint is added to the app for this.
/// </summary>
internal static class PortalRun
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

    // Records, in the page's own clock (ms since navigation start): when the first session row was painted (Element
    // Timing: the list marks its first row's name link elementtiming="first-row"; renderTime is when the frame that
    // drew it was presented), when it entered the DOM (a MutationObserver: its callback runs at the next microtask
    // checkpoint after the parser inserted it), the first contentful paint, and when the list says it is interactive
    // (data-ready="true": loaded and the circuit is up).
    private const string FirstRowObserver = """
        (() => {
          const seen = () => document.querySelector("[data-testid='session-row']");
          const ready = () => document.querySelector("[data-testid='session-list'][data-ready='true']");
          const observer = new MutationObserver(() => {
            if (window.__firstRow === undefined && seen()) window.__firstRow = performance.now();
            if (window.__interactive === undefined && ready()) window.__interactive = performance.now();
            if (window.__firstRow !== undefined && window.__interactive !== undefined) observer.disconnect();
          });
          observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-ready"] });
          new PerformanceObserver(list => {
            for (const e of list.getEntries()) {
              if (e.identifier === "first-row" && window.__firstRowPaint === undefined) window.__firstRowPaint = e.renderTime || e.loadTime;
            }
          }).observe({ type: "element", buffered: true });
          new PerformanceObserver(list => {
            for (const e of list.getEntries()) {
              if (e.name === "first-contentful-paint") window.__fcp = e.startTime;
            }
          }).observe({ type: "paint", buffered: true });
        })();
        """;

    private const string ListReady = "[data-testid='session-list'][data-ready='true']";

    // What the browser does when a tab goes to the background (the portal's script pauses the circuit after
    // Circuits:PauseHiddenAfter and marks the document data-circuit="paused").
    private const string HideTab = """
        () => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
          document.dispatchEvent(new Event("visibilitychange"));
        }
        """;

    // Where a navigation's time goes, in the page's clock: the document arrived, scripts and styles were parsed and run
    // (DOMContentLoaded), Blazor asked for its circuit connection (negotiate), the first row entered the DOM, the list
    // became interactive, the first row was painted, the first contentful paint.
    private const string PhaseProbe = """
        () => {
          const nav = performance.getEntriesByType("navigation")[0];
          const negotiate = performance.getEntriesByType("resource").find(e => e.name.includes("_blazor/negotiate"));
          return [nav.responseEnd, nav.domContentLoadedEventEnd, negotiate ? negotiate.startTime : -1, window.__firstRow ?? -1, window.__interactive ?? -1,
                  window.__firstRowPaint ?? -1, window.__fcp ?? -1];
        }
        """;

    // Arms one measurement: the click's timestamp (capture phase, before Blazor sees it) and the moment the first row changes.
    private const string ArmSortProbe = """
        () => {
          const first = () => document.querySelector("[data-testid='session-row']")?.getAttribute("data-session-id");
          const before = first();
          window.__clickAt = undefined; window.__rowsAt = undefined;
          document.addEventListener("click", () => { window.__clickAt = performance.now(); }, { capture: true, once: true });
          const observer = new MutationObserver(() => {
            if (first() !== before) { window.__rowsAt = performance.now(); observer.disconnect(); }
          });
          observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        }
        """;

    internal static Dictionary<string, string> WebEnvironment(LocalApp proxy, DemoTokens tokens) => new(StringComparer.Ordinal)
    {
        ["Proxy__BaseUrl"] = proxy.BaseAddress.ToString(),
        ["Authentication__Mode"] = "Demo",
        ["Authentication__Demo__PrivateKeyPem"] = tokens.PrivateKeyPem,
        ["Authentication__Demo__AllowInProduction"] = "true",
        ["Logging__LogLevel__Default"] = "Warning",
        // Only tabs this driver hides pause (the paused-circuit measurement); a short delay keeps the phase quick.
        ["Circuits__PauseHiddenAfter"] = "00:00:00.200",
        // Idle tabs hold no HTTP/1.1 keep-alive connections for long (Kestrel closes them after 130 s by default); a short
        // timeout lets the memory phases count what an idle tab keeps for good: its circuit and its WebSocket.
        ["Kestrel__Limits__KeepAliveTimeout"] = "00:00:02",
    };

    public static async Task<int> RunAsync(string emulatorDll, string proxyDll, string webDll, string resultsPath, string logs, string chromium, int navigations, int circuits, bool memoryOnly = false, string? probeDirectory = null, bool timingOnly = false, string? probeVariants = null, string? bareDll = null)
    {
        // --memory-only is for working on memory per circuit, often on a busy machine: no timing is taken, so it may wait longer.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(memoryOnly || probeDirectory is not null ? 25 : 14));
        var ct = cts.Token;
        var notes = new List<string>();
        var o = new LoadOptions { EmulatorDll = emulatorDll, ProxyDll = proxyDll, ResultsPath = resultsPath, LogDirectory = Path.Combine(logs, "portal") };
        using var tokens = new DemoTokens(1);
        await using var emulator = await LocalApp.StartAsync("emulator", emulatorDll, LoadRun.EmulatorEnvironment(o), o.LogDirectory, ct);
        await using var proxy = await LocalApp.StartAsync("proxy", proxyDll, LoadRun.ProxyEnvironment(emulator, tokens, partitioned: true), o.LogDirectory, ct);
        await using var web = await LocalApp.StartAsync("web", webDll, WebEnvironment(proxy, tokens), o.LogDirectory, ct);

        var list = $"/workspaces/{LoadRun.Large}/sessions?pageSize=25&sort=name&dir=asc";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        var contextOptions = new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } };

        // Sign in once (demo sign-in page) and warm everything: the proxy's snapshot of the workspace, the web's code paths.
        Console.WriteLine("Portal: signing in as the demo admin and warming the list page...");
        await using var main = await browser.NewContextAsync(contextOptions);
        if (memoryOnly) main.SetDefaultTimeout(180_000);
        await main.AddInitScriptAsync(FirstRowObserver);
        var signIn = await main.NewPageAsync();
        await signIn.GotoAsync(list);
        await signIn.Locator("[data-testid='signin-as-admin']").ClickAsync();
        await FirstRowVisible(signIn, 120_000);
        await signIn.CloseAsync();
        var storage = await main.StorageStateAsync();

        // The browser's floor, in the same run: a bare Kestrel app (no Blazor, no proxy) serving a trivial page, one
        // table row with the same marked link, no CSS, no script, timed the same way in its own warm tab.
        await using var bare = bareDll is null ? null : await StartFloorAppAsync(bareDll, o.LogDirectory, ct);
        var floorUrl = bare is null ? null : new Uri(bare.BaseAddress, "/document").ToString();

        // The headline navigations run in a warm tab: one tab that stays open, each time on a tiny page of the same site
        // before the list is loaded, so the renderer process is up and idle as in a person's browser, which keeps one
        // ready before a link is clicked (docs/decisions.md#first-row-measurement). A Playwright page opened in a browser
        // context starts a new renderer process for its first navigation: those new-tab figures are reported beside it.
        var warmTab = await main.NewPageAsync();
        var floorTab = floorUrl is null ? null : await main.NewPageAsync();
        for (var i = 0; i < 3; i++)
        {
            await NavigateAsync(main, list, warmTab);
            await NavigateAsync(main, list);
            if (floorTab is not null) await NavigateAsync(main, floorUrl!, floorTab, interactive: false);
        }

        if (timingOnly)
        {
            // --timing-only: the navigations alone (no memory phases, no result file), for working on the first row.
            var rounds = await NavigationRoundsAsync(main, list, warmTab, floorUrl, floorTab, navigations);
            string M(IReadOnlyList<double[]> samples, int i) => Median([.. samples.Where(p => p[i] >= 0).Select(p => p[i])]).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"Portal timing ({navigations} rounds, medians, page clock ms; load average {LoadRun.LoadAverage()}):");
            foreach (var (name, samples) in new[] { ("warm tab", rounds.Warm), ("new tab", rounds.NewTab), ("floor (trivial page)", rounds.Floor) })
            {
                if (samples.Count == 0) continue;
                Console.WriteLine($"  {name,-22} document {M(samples, 0)}, first row in the DOM {M(samples, 3)}, first row painted {M(samples, 5)}, " +
                    $"first contentful paint {M(samples, 6)}, DOMContentLoaded {M(samples, 1)}, negotiate {M(samples, 2)}, interactive {M(samples, 4)}");
            }

            return 0;
        }

        if (probeDirectory is not null)
        {
            await PortalProbe.RunAsync(browser, main, list, probeDirectory, navigations, probeVariants, ct);
            return 0;
        }

        // Server memory per idle circuit: GC heap after a forced full GC, before and after opening N pages, each in its
        // own browser context (one circuit each). First the workspace list ("/", the same layout without the session
        // list: the same-run baseline of what any portal page costs), then the session list.
        Console.WriteLine($"Portal: server memory for {circuits} idle circuits per page (separate browser contexts)...");
        // With dotnet-dump at hand, heap dumps around the layout-only and list tabs say what each circuit's live bytes are.
        var dumpTool = HeapDiff.Tool();
        if (dumpTool is null) notes.Add("dotnet-dump was not found: memory per circuit is the GC heap delta only, without the live-object breakdown by type.");
        var baseline = await MeasureIdleCircuitsAsync(browser, contextOptions, storage, web.ProcessId, o.LogDirectory, "/", "[data-testid='workspace-list'][data-ready='true']", circuits, "baseline", ct, dumpTool: dumpTool);
        var listMemory = await MeasureIdleCircuitsAsync(browser, contextOptions, storage, web.ProcessId, o.LogDirectory, list, ListReady, circuits, "list", ct, dumpTool: dumpTool);
        var pausedMemory = await MeasureIdleCircuitsAsync(browser, contextOptions, storage, web.ProcessId, o.LogDirectory, list, ListReady, circuits, "paused", ct, pause: true, dumpTool: dumpTool);
        var liveHeap = new List<CircuitHeap>();
        foreach (var (memory, page) in new[] { (baseline, "/ (workspace list)"), (listMemory, "session list"), (pausedMemory, "paused session list") })
        {
            if (memory.DumpBefore is null || memory.DumpAfter is null) continue;
            if (await HeapDiff.DiffAsync(dumpTool!, memory.DumpBefore, memory.DumpAfter, circuits, page, ct) is not { } heap) continue;
            liveHeap.Add(heap);
            var most = string.Join(", ", heap.Top.Take(4).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Type} {t.KbPerCircuit:F0} KB")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {page}: {heap.LiveKbPerCircuit:F0} KB of live objects per circuit (heap dumps diffed by type); most: {most}"));
        }

        if (memoryOnly)
        {
            // --memory-only: the circuit figures alone (printed above), for working on memory per circuit; no result file.
            return 0;
        }

        // Navigation → first data row visible, warm (the proxy holds the snapshot; signed in).
        // Timing on a shared machine: wait (bounded) for the load average to settle, record it beside the figures, and
        // repeat the navigations once if they started on a busy machine, keeping the quieter attempt.
        var loads = new List<PhaseLoad>();
        async Task<(NavigationRounds Rounds, double Load)> NavigationsAsync(string label, TimeSpan maxWait)
        {
            var gate = await LoadGate.WaitAsync(label, maxWait, ct);
            var startLoad = LoadGate.OneMinute();
            Console.WriteLine($"Portal: {navigations} rounds of navigations to the warm list page ({label}): warm tab, new tab{(floorTab is null ? "" : ", the floor page")}...");
            var rounds = await NavigationRoundsAsync(main, list, warmTab, floorUrl, floorTab, navigations);
            loads.Add(LoadGate.Finish(gate));
            return (rounds, startLoad);
        }

        var attempt = await NavigationsAsync("navigations, attempt 1", TimeSpan.FromSeconds(60));
        if (!loads[^1].Settled)
        {
            var again = await NavigationsAsync("navigations, attempt 2 (attempt 1 started busy)", TimeSpan.FromSeconds(30));
            if (!(again.Load >= attempt.Load))
            {
                attempt = again;
            }

            notes.Add($"The navigations ran twice because the first attempt started with the machine busy; the report keeps the attempt that started with the lower load average ({attempt.Load:F2}).");
        }

        var measured = attempt.Rounds;
        List<double> inPage = [.. measured.Warm.Select(p => p[5])];
        List<double> wall = [.. measured.WarmWall];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  first row painted, medians in the page's clock: warm tab {Median(inPage):F0} ms, new tab {Median([.. measured.NewTab.Select(p => p[5])]):F0} ms, floor {(measured.Floor.Count == 0 ? "not run" : Median([.. measured.Floor.Select(p => p[5])]).ToString("F0", CultureInfo.InvariantCulture) + " ms")}; {Median(wall):F0} ms wall clock from the driver (warm tab)"));

        // Sort click → rows updated, in the page's clock.
        var sortGate = await LoadGate.WaitAsync("sort clicks", TimeSpan.FromSeconds(20), ct);
        var sortPage = await main.NewPageAsync();
        await sortPage.GotoAsync(list);
        // Clicks count once the circuit is up (a prerendered row is visible earlier).
        await sortPage.Locator(ListReady).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var sorts = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            await sortPage.EvaluateAsync(ArmSortProbe);
            await sortPage.Locator("[data-testid='sort-name']").ClickAsync();
            await sortPage.WaitForFunctionAsync("() => window.__rowsAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
            var ms = await sortPage.EvaluateAsync<double>("() => window.__rowsAt - window.__clickAt");
            if (i >= 2)
            {
                sorts.Add(ms); // the first two warm the sort path
            }
        }

        loads.Add(LoadGate.Finish(sortGate));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sort click → rows updated: median {Median(sorts):F0} ms"));
        notes.Add("The browser, the driver and all three apps share the machine's cores.");
        var results = new PortalResults(DateTimeOffset.UtcNow, o.Sessions, inPage, wall, sorts, circuits,
            listMemory.HeapBefore, listMemory.HeapAfter, listMemory.RssBefore, listMemory.RssAfter, LoadRun.LoadAverage(), notes)
        {
            Loads = loads,
            BaselinePage = "/ (workspace list)",
            BaselineGcHeapBeforeBytes = baseline.HeapBefore,
            BaselineGcHeapAfterBytes = baseline.HeapAfter,
            FirstRowPhasesMs = [.. measured.Warm],
            NewTabFirstRowPhasesMs = [.. measured.NewTab],
            FloorPhasesMs = [.. measured.Floor],
            PausedGcHeapBeforeBytes = pausedMemory.HeapBefore,
            PausedGcHeapAfterBytes = pausedMemory.HeapAfter,
            LiveHeap = liveHeap,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        await File.WriteAllBytesAsync(resultsPath, JsonSerializer.SerializeToUtf8Bytes(results, BenchJsonContext.Default.PortalResults), ct);
        return 0;
    }

    private sealed record CircuitMemory(long HeapBefore, long HeapAfter, long RssBefore, long RssAfter, string? DumpBefore = null, string? DumpAfter = null);

    /// <summary>Opens <paramref name="count"/> idle circuits on <paramref name="path"/> and reads the web process's memory around them.</summary>
    private static async Task<CircuitMemory> MeasureIdleCircuitsAsync(IBrowser browser, BrowserNewContextOptions options, string storage,
        int webPid, string dumps, string path, string readySelector, int count, string label, CancellationToken ct, bool pause = false, string? dumpTool = null)
    {
        // The same quiet point as after the tabs open: earlier pages' idle keep-alive connections are closed.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var heapBefore = await GcHeapAfterFullGcAsync(webPid, ct);
        var dumpBefore = dumpTool is null ? null : await HeapDiff.DumpAsync(dumpTool, webPid, dumps, $"{label}-before", ct);
        var rssBefore = SoakRun.WorkingSet(webPid);
        var contexts = new List<IBrowserContext>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = options.BaseURL, ViewportSize = options.ViewportSize, StorageState = storage });
                context.SetDefaultTimeout(180_000);
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.GotoAsync(path);
                await page.Locator(readySelector).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 180_000 });
                if (pause)
                {
                    await page.EvaluateAsync(HideTab);
                    await page.Locator("html[data-circuit='paused']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 180_000 });
                }
            }

            // Past the keep-alive timeout (and Kestrel's 1 s heartbeat that enforces it): the contexts' idle HTTP connections are closed.
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var heapAfter = await GcHeapAfterFullGcAsync(webPid, ct);
            var dumpAfter = dumpBefore is null ? null : await HeapDiff.DumpAsync(dumpTool!, webPid, dumps, $"{label}-after", ct);
            var rssAfter = SoakRun.WorkingSet(webPid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {path}: GC heap {heapBefore / 1048576.0:F1} MB → {heapAfter / 1048576.0:F1} MB = {(heapAfter - heapBefore) / 1024.0 / count:F0} KB per circuit; working set {(rssAfter - rssBefore) / 1024.0 / count:F0} KB per circuit"));
            return new CircuitMemory(heapBefore, heapAfter, rssBefore, rssAfter, dumpBefore, dumpAfter);
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    private sealed record NavigationRounds(List<double[]> Warm, List<double> WarmWall, List<double[]> NewTab, List<double[]> Floor);

    /// <summary>
    /// Rounds of three navigations each, interleaved so that each sees the same machine load: the list in the warm tab,
    /// the floor page in its own warm tab (when the bare app runs), and the list in a new tab.
    /// </summary>
    private static async Task<NavigationRounds> NavigationRoundsAsync(IBrowserContext context, string list, IPage warmTab, string? floorUrl, IPage? floorTab, int rounds)
    {
        var result = new NavigationRounds([], [], [], []);
        for (var i = 0; i < rounds; i++)
        {
            var (_, wallMs, warm) = await NavigateAsync(context, list, warmTab);
            result.Warm.Add(warm);
            result.WarmWall.Add(wallMs);
            if (floorTab is not null) result.Floor.Add((await NavigateAsync(context, floorUrl!, floorTab, interactive: false)).Phases);
            result.NewTab.Add((await NavigateAsync(context, list)).Phases);
            // A closed tab's renderer process exits in the background: let it go before the next round's first navigation.
            await Task.Delay(300);
        }

        return result;
    }

    /// <summary>
    /// Loads <paramref name="url"/> in <paramref name="tab"/> (or in a new tab, closed afterwards): (navigation start →
    /// first row painted in the page's clock, the driver's wall clock from goto to the load event, phases). Nothing is
    /// asked of the page until its load event: every Playwright locator or function wait injects and compiles
    /// Playwright's own script into the page, tens of milliseconds of main-thread work that, done during the load, sat
    /// between the parsed head and the body and delayed the rows.
    /// </summary>
    private static async Task<(double PageMs, double WallMs, double[] Phases)> NavigateAsync(IBrowserContext context, string url, IPage? tab = null, bool interactive = true)
    {
        var page = tab ?? await context.NewPageAsync();
        try
        {
            if (tab is not null && page.Url.StartsWith("http", StringComparison.Ordinal))
            {
                // Untimed: the warm tab first leaves the page it shows for a tiny one of the same site (the app's
                // liveness text), so the timed navigation neither unloads the portal's last page (its circuit's
                // teardown) nor starts a renderer process: it starts from an idle, ready renderer.
                await page.GotoAsync(new Uri(new Uri(page.Url), "/health/live").ToString());
            }

            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
            var wall = clock.Elapsed.TotalMilliseconds;
            // The paint entry is delivered after the frame; a page without the marked cell (an older build) has none.
            await page.WaitForFunctionAsync("() => window.__firstRowPaint !== undefined || (window.__fcp !== undefined && !document.querySelector(\"[elementtiming='first-row']\"))",
                null, new PageWaitForFunctionOptions { Timeout = 30_000 });
            if (interactive)
            {
                await page.Locator(ListReady).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
            }

            var phases = await page.EvaluateAsync<double[]>(PhaseProbe);
            return (phases[5], wall, phases);
        }
        finally
        {
            if (tab is null) await page.CloseAsync();
        }
    }

    /// <summary>The floor page (<see cref="PortalProbe.Trivial"/>) served by the bare Kestrel app from a file.</summary>
    private static async Task<LocalApp> StartFloorAppAsync(string bareDll, string logs, CancellationToken ct)
    {
        Directory.CreateDirectory(logs);
        var document = Path.Combine(logs, "floor-document.html");
        var page = Path.Combine(logs, "floor-page.json");
        await File.WriteAllTextAsync(document, PortalProbe.Trivial, ct);
        await File.WriteAllTextAsync(page, "{}", ct);
        return await LocalApp.StartAsync("bare-kestrel-floor", bareDll, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BARE_PAGE_FILE"] = page,
            ["BARE_DOCUMENT_FILE"] = document,
        }, logs, ct);
    }

    private static Task FirstRowVisible(IPage page, float timeoutMs) =>
        page.Locator("[data-testid='session-row']").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = timeoutMs });

    /// <summary>
    /// The managed heap size after a full blocking GC of process <paramref name="pid"/>: an EventPipe session with the
    /// runtime's GCHeapCollect keyword makes the runtime run one (as dotnet-gcdump does); the GCHeapStats event that
    /// follows reports the generation sizes. Done twice; the second figure is kept (finalizers ran in between).
    /// </summary>
    private static async Task<long> GcHeapAfterFullGcAsync(int pid, CancellationToken ct)
    {
        long heap = -1;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            heap = await InducedGcHeapAsync(pid, ct);
            await Task.Delay(500, ct);
        }

        return heap;
    }

    private static async Task<long> InducedGcHeapAsync(int pid, CancellationToken ct)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var fullGc = false;
            source.Clr.GCStart += e => fullGc |= e.Depth == 2;
            source.Clr.GCHeapStats += e =>
            {
                if (fullGc)
                {
                    result.TrySetResult(e.TotalHeapSize);
                }
            };
            source.Process();
        }, CancellationToken.None);
        try
        {
            return await result.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await reader.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
