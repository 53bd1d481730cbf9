using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace EmrPortal.LoadDriver;

/// <summary>
/// <c>portal --probe DIR</c>: where the first row's time goes, for working on it (no result file). Saves the warm list
/// page's document as the browser receives it with what precedes the first row, times several navigations with
/// every first-row signal the browser offers side by side (a MutationObserver callback, first and largest contentful
/// paint, element timing when the row carries <c>elementtiming</c>, the stylesheets' resource timings) and records one
/// navigation as a Chrome trace (main-thread tasks: HTML parsing, style sheet parsing, script evaluation, paints).
/// </summary>
internal static partial class PortalProbe
{
    private const string Signals = """
        (() => {
          const t = window.__probe = { marks: {} };
          const mark = (name) => { if (t.marks[name] === undefined) t.marks[name] = performance.now(); };
          new MutationObserver(() => {
            if (document.querySelector("[data-testid='session-row']")) {
              mark("row-observer");
              requestAnimationFrame(() => mark("row-next-frame"));
            }
          }).observe(document, { childList: true, subtree: true });
          document.addEventListener("readystatechange", () => {
            mark("readyState-" + document.readyState);
            if (document.readyState === "interactive") requestAnimationFrame(() => setTimeout(() => document.querySelectorAll("link[data-deferred]").forEach(l => l.media = "all")));
          });
          for (const type of ["paint", "largest-contentful-paint", "element"]) {
            try {
              new PerformanceObserver(list => {
                for (const e of list.getEntries()) {
                  const name = type === "paint" ? e.name : type === "element" ? "element-" + e.identifier : "lcp";
                  if (type === "largest-contentful-paint") t.marks["lcp"] = e.renderTime || e.startTime;
                  else if (t.marks[name] === undefined) t.marks[name] = e.renderTime || e.startTime;
                }
              }).observe({ type, buffered: true });
            } catch { }
          }
        })();
        """;

    private const string Collect = """
        () => {
          const nav = performance.getEntriesByType("navigation")[0];
          const m = Object.assign({}, window.__probe.marks);
          m.responseStart = nav.responseStart; m.responseEnd = nav.responseEnd;
          m.domInteractive = nav.domInteractive; m.dclEnd = nav.domContentLoadedEventEnd;
          for (const r of performance.getEntriesByType("resource")) {
            const file = r.name.split("/").pop().split("?")[0];
            if (/\.(css|js)$/.test(file)) { m["res " + file + " start"] = r.startTime; m["res " + file + " end"] = r.responseEnd; }
          }
          return JSON.stringify(m);
        }
        """;

    private static EmrPortal.Web.Services.CriticalCss? _critical;

    public static async Task RunAsync(IBrowser browser, IBrowserContext context, string list, string directory, int navigations, string mudBlazorCss, CancellationToken ct)
    {
        _critical = new EmrPortal.Web.Services.CriticalCss(await File.ReadAllTextAsync(mudBlazorCss, ct));
        Directory.CreateDirectory(directory);
        var response = await context.APIRequest.GetAsync(list);
        var html = await response.TextAsync();
        await File.WriteAllTextAsync(Path.Combine(directory, "document.html"), html, ct);
        DescribeDocument(html);

        await context.AddInitScriptAsync(Signals);
        await CompareVariantsAsync(context, list, navigations);
        var samples = new List<Dictionary<string, double>>();
        for (var i = 0; i < navigations; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(list, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("[data-testid='session-list'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
            // Paint entries arrive after the frame: give the observers a frame or two.
            await page.WaitForFunctionAsync("() => window.__probe.marks['row-next-frame'] !== undefined", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            var json = await page.EvaluateAsync<string>(Collect);
            samples.Add(JsonSerializer.Deserialize<Dictionary<string, double>>(json)!);
            await page.CloseAsync();
        }

        Console.WriteLine($"Probe: medians over {navigations} warm navigations (page clock, ms):");
        foreach (var name in samples.SelectMany(s => s.Keys).Distinct().OrderBy(k => PortalRun.Median(samples.Where(s => s.ContainsKey(k)).Select(s => s[k]).ToList())))
        {
            var values = samples.Where(s => s.ContainsKey(name)).Select(s => s[name]).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-48} {PortalRun.Median(values),8:F1}  (n={values.Count}, min {values.Min():F1}, max {values.Max():F1})"));
        }

        // One navigation traced: what the renderer's main thread did between navigation start and the first row.
        var traced = await context.NewPageAsync();
        var tracePath = Path.Combine(directory, "trace.json");
        var cdp = await context.NewCDPSessionAsync(traced);
        var collected = new List<JsonElement>();
        var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("Tracing.dataCollected").OnEvent += (_, e) =>
        {
            if (e is { } data) lock (collected) collected.AddRange(data.GetProperty("value").EnumerateArray().Select(x => x.Clone()));
        };
        cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading,blink,v8.execute",
            ["transferMode"] = "ReportEvents",
        });
        await traced.GotoAsync(list, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await traced.Locator("[data-testid='session-list'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var marks = await traced.EvaluateAsync<string>(Collect);
        await cdp.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        string traceJson;
        lock (collected) traceJson = JsonSerializer.Serialize(collected);
        await File.WriteAllTextAsync(tracePath, traceJson, ct);
        await traced.CloseAsync();
        Console.WriteLine($"Traced navigation marks: {marks}");
        DescribeTrace(tracePath);
    }

    // Variants of the very document the server just rendered (fetched through the route, changed, handed to the
    // browser), interleaved round by round so that each sees the same machine load.
    private static readonly (string Name, Func<string, string> Change)[] Variants =
    [
        ("as served (through the route)", html => html),
        ("no stylesheets at all", html => AnyStylesheet().Replace(html, "")),
        ("MudBlazor's rules this document uses inline; the full sheet after the first frame", html => Critical(html, "data-deferred")),
        ("MudBlazor's rules this document uses inline; the full sheet never", html => Critical(html, "data-never")),
    ];

    private static string Critical(string html, string marker)
    {
        var css = _critical!.For(EmrPortal.Web.Services.CriticalCss.ClassesIn(html));
        Console.WriteLine($"  critical styles: {css.Length:N0} chars of {_critical.FullLength:N0}");
        return MudCss().Replace(html, m => $"<style>{css}</style>" + m.Value.Replace("rel=\"stylesheet\"", $"rel=\"stylesheet\" media=\"print\" {marker}", StringComparison.Ordinal));
    }

    private static async Task CompareVariantsAsync(IBrowserContext context, string list, int rounds)
    {
        var results = Variants.Select(_ => new List<Dictionary<string, double>>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var v = 0; v < Variants.Length; v++)
            {
                var change = Variants[v].Change;
                var page = await context.NewPageAsync();
                await page.RouteAsync(u => u.Contains("/sessions?", StringComparison.Ordinal), async route =>
                {
                    var response = await route.FetchAsync();
                    await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = change(await response.TextAsync()) });
                });
                await page.GotoAsync(list, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
                await page.WaitForFunctionAsync("() => window.__probe.marks['row-next-frame'] !== undefined", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
                await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
                results[v].Add(JsonSerializer.Deserialize<Dictionary<string, double>>(await page.EvaluateAsync<string>(Collect))!);
                await page.CloseAsync();
            }
        }

        Console.WriteLine($"Probe: document variants, {rounds} interleaved rounds (page clock, medians, ms; relative to responseEnd in brackets):");
        for (var v = 0; v < Variants.Length; v++)
        {
            string M(string key)
            {
                var values = results[v].Where(s => s.ContainsKey(key)).Select(s => s[key] - s["responseEnd"]).ToList();
                var abs = results[v].Where(s => s.ContainsKey(key)).Select(s => s[key]).ToList();
                return values.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{PortalRun.Median(abs):F0} [+{PortalRun.Median(values):F0}]");
            }

            Console.WriteLine($"  {Variants[v].Name,-55} responseEnd {M("responseEnd")} row-observer {M("row-observer")} next-frame {M("row-next-frame")} FCP {M("first-contentful-paint")} LCP {M("lcp")} DCL {M("dclEnd")}");
        }
    }

    private static void DescribeDocument(string html)
    {
        var row = html.IndexOf("data-testid=\"session-row\"", StringComparison.Ordinal);
        var body = html.IndexOf("<body", StringComparison.Ordinal);
        Console.WriteLine($"Document: {html.Length:N0} chars; <body> at {body:N0}; first session-row at {row:N0}");
        if (row < 0) return;
        var before = html[..row];
        foreach (var (what, pattern) in new[] { ("<script", "<script"), ("<style", "<style"), ("<link", "<link"), ("<!--", "<!--") })
        {
            Console.WriteLine($"  before the first row: {Regex.Matches(before, Regex.Escape(pattern)).Count} × {what}");
        }

        foreach (Match m in StyleBlock().Matches(before))
        {
            Console.WriteLine($"  <style> at {m.Index:N0}: {m.Length:N0} chars");
        }

        foreach (Match m in Comment().Matches(before))
        {
            if (m.Length > 200) Console.WriteLine($"  comment at {m.Index:N0}: {m.Length:N0} chars ({m.Value[..Math.Min(60, m.Length)]}…)");
        }
    }

    private static void DescribeTrace(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var events = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("traceEvents");
        // The renderer main thread: the thread named CrRendererMain of the process with a navigationStart mark for our document.
        var threadNames = new Dictionary<(int, int), string>();
        double navStart = double.NaN;
        (int Pid, int Tid) main = default;
        foreach (var e in events.EnumerateArray())
        {
            var name = e.GetProperty("name").GetString();
            if (name == "thread_name")
            {
                threadNames[(e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32())] = e.GetProperty("args").GetProperty("name").GetString() ?? "";
            }
            else if (name == "navigationStart" && e.TryGetProperty("args", out var a) && a.TryGetProperty("data", out var d)
                     && d.TryGetProperty("documentLoaderURL", out var u) && (u.GetString() ?? "").Contains("/sessions", StringComparison.Ordinal))
            {
                navStart = e.GetProperty("ts").GetDouble();
                main = (e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32());
            }
        }

        if (double.IsNaN(navStart))
        {
            Console.WriteLine("Trace: no navigationStart for the list page found.");
            return;
        }

        Console.WriteLine($"Trace: renderer main thread {threadNames.GetValueOrDefault(main)}; events (ms after navigation start, duration ms):");
        var sb = new StringBuilder();
        foreach (var e in events.EnumerateArray())
        {
            if (e.GetProperty("pid").GetInt32() != main.Pid || e.GetProperty("tid").GetInt32() != main.Tid) continue;
            var ph = e.GetProperty("ph").GetString();
            if (ph is not ("X" or "I" or "R" or "n" or "b")) continue;
            var ts = (e.GetProperty("ts").GetDouble() - navStart) / 1000;
            if (ts < -5 || ts > 1500) continue;
            var dur = e.TryGetProperty("dur", out var du) ? du.GetDouble() / 1000 : 0;
            var name = e.GetProperty("name").GetString() ?? "";
            if (dur < 1 && ph == "X" && name is not ("ParseHTML" or "ParseAuthorStyleSheet" or "EvaluateScript" or "Paint" or "Layout" or "UpdateLayoutTree" or "MarkDOMContent" or "FireAnimationFrame")) continue;
            var detail = e.TryGetProperty("args", out var args) ? Detail(name, args) : "";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {ts,8:F1} {dur,7:F1} {name} {detail}"));
        }

        Console.Write(sb);
    }

    private static string Detail(string name, JsonElement args)
    {
        if (args.TryGetProperty("beginData", out var begin))
        {
            var s = begin.ToString();
            return s.Length > 160 ? s[..160] : s;
        }

        if (args.TryGetProperty("data", out var data))
        {
            var s = data.ToString();
            return s.Length > 160 ? s[..160] : s;
        }

        return "";
    }

    [GeneratedRegex("""<link rel="stylesheet" href="[^"]*MudBlazor[^"]*\.css"[^>]*>""")]
    private static partial Regex MudCss();

    [GeneratedRegex("""<link rel="stylesheet"[^>]*>""")]
    private static partial Regex AnyStylesheet();

    [GeneratedRegex("""<script src="[^"]*"></script>""")]
    private static partial Regex BodyScript();

    [GeneratedRegex("<style[^>]*>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
