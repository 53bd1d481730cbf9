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

    public static async Task RunAsync(IBrowser browser, IBrowserContext context, string list, string directory, int navigations, string? variants, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var response = await context.APIRequest.GetAsync(list);
        var html = await response.TextAsync();
        await File.WriteAllTextAsync(Path.Combine(directory, "document.html"), html, ct);
        DescribeDocument(html);

        await context.AddInitScriptAsync(Signals);
        await CompareVariantsAsync(context, list, navigations, variants);
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

        // One navigation traced, in a warm tab as the headline figure is taken: what the renderer's main thread did
        // between navigation start and the first row.
        var traced = await context.NewPageAsync();
        await traced.GotoAsync(list);
        await traced.Locator("[data-testid='session-list'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
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
            ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading,blink,v8.execute,cc,viz",
            ["transferMode"] = "ReportEvents",
        });
        // From the app's liveness text, as the headline's warm tab does (a list-to-list navigation also times the old
        // page's teardown).
        await traced.GotoAsync(new Uri(new Uri(traced.Url), "/health/live").ToString());
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
    // browser), interleaved round by round so that each sees the same machine load. --variants a,b picks some by the
    // start of their names (the first, as served, always runs).
    private static readonly (string Name, Func<string, string> Change)[] Variants =
    [
        ("as served (through the route)", html => html),
        ("trivial page (one row link, no CSS, no script)", _ => Trivial),
        ("no stylesheets at all", html => AnyStylesheet().Replace(html, "")),
        ("no body scripts", html => BodyScript().Replace(html, "")),
        ("body scripts defer", html => BodyScript().Replace(html, m => m.Value.Replace("<script ", "<script defer ", StringComparison.Ordinal))),
        ("body scripts async", html => BodyScript().Replace(html, m => m.Value.Replace("<script ", "<script async ", StringComparison.Ordinal))),
        ("no script preloads", html => ScriptPreload().Replace(html, "")),
        ("no preloads, no body scripts", html => ScriptPreload().Replace(BodyScript().Replace(html, ""), "")),
        ("icons as <symbol> + <use>", Symbols),
        ("icons as CSS mask spans", MaskIcons),
        ("no icons in the body", html => BodyPart(html, b => SvgIcon().Replace(b, ""))),
        ("first row only (24 rows removed)", html => KeepRows(html, 1)),
        ("no rows (tbody empty)", html => KeepRows(html, 0)),
        ("no sticky name column", html => AddStyle(html, ".session-table th[data-testid=\"header-name\"], .session-table td[data-testid=\"cell-name\"] { position: static !important; }")),
        ("rows below the fold content-visibility:auto", html => AddStyle(html, ".session-table tbody tr:nth-child(n+15) > td > * { content-visibility: auto; contain-intrinsic-size: auto 24px; }")),
        ("one font family (DejaVu Sans) everywhere", html => AddStyle(html, "* { font-family: 'DejaVu Sans' !important; }")),
        ("no inline critical styles (portal.css only)", html => CriticalBlock().Replace(html, "")),
        ("whole MudBlazor sheet not linked (a script adds it later)", html => DeferredLink().Replace(html, "")),
        ("no <img> in the body", html => BodyPart(html, b => Image().Replace(b, ""))),
        ("no box-shadow anywhere", html => AddStyle(html, "*, *::before, *::after { box-shadow: none !important; }")),
        ("no border-radius anywhere", html => AddStyle(html, "*, *::before, *::after { border-radius: 0 !important; }")),
        ("no filters, no opacity, no transforms", html => AddStyle(html, "*, *::before, *::after { filter: none !important; backdrop-filter: none !important; opacity: 1 !important; transform: none !important; }")),
        ("grayscale text antialiasing", html => AddStyle(html, "* { -webkit-font-smoothing: antialiased !important; }")),
        ("defer + symbols", html => Symbols(BodyScript().Replace(html, m => m.Value.Replace("<script ", "<script defer ", StringComparison.Ordinal)))),
    ];

    private static IEnumerable<int> SelectedVariants(string? filter)
    {
        var names = filter?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        for (var v = 0; v < Variants.Length; v++)
        {
            if (v == 0 || names.Length == 0 || names.Any(n => Variants[v].Name.StartsWith(n, StringComparison.OrdinalIgnoreCase))) yield return v;
        }
    }

    internal const string Trivial = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>trivial</title></head>
        <body><table><tbody><tr data-testid="session-row"><td><a href="#" style="display:block" elementtiming="first-row">sessions-list-row-00000</a></td></tr></tbody></table></body></html>
        """;

    private static string AddStyle(string html, string css) => html.Replace("</head>", $"<style>{css}</style></head>", StringComparison.Ordinal);

    private static string BodyPart(string html, Func<string, string> change)
    {
        var body = html.IndexOf("<body", StringComparison.Ordinal);
        return html[..body] + change(html[body..]);
    }

    // Every inline icon of the body becomes <svg …><use href="#probe-icon-N"/></svg>, one <symbol> per distinct path.
    private static string Symbols(string html)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var changed = BodyPart(html, b => SvgIcon().Replace(b, m =>
        {
            if (!ids.TryGetValue(m.Groups["inner"].Value, out var id)) ids[m.Groups["inner"].Value] = id = ids.Count;
            return $"<svg{m.Groups["attrs"].Value}><use href=\"#probe-icon-{id}\"></use></svg>";
        }));
        var symbols = string.Concat(ids.Select(p => $"<symbol id=\"probe-icon-{p.Value}\" viewBox=\"0 0 24 24\">{p.Key}</symbol>"));
        var body = changed.IndexOf('>', changed.IndexOf("<body", StringComparison.Ordinal)) + 1;
        return changed[..body] + $"<svg style=\"display:none\" aria-hidden=\"true\">{symbols}</svg>" + changed[body..];
    }

    // Every inline icon of the body becomes an empty <span> with the same classes, drawn by a CSS mask (one rule per
    // distinct path, the SVG as a data URL) in currentColor.
    private static string MaskIcons(string html)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var changed = BodyPart(html, b => SvgIcon().Replace(b, m =>
        {
            if (!ids.TryGetValue(m.Groups["inner"].Value, out var id)) ids[m.Groups["inner"].Value] = id = ids.Count;
            var cls = Regex.Match(m.Groups["attrs"].Value, "class=\"([^\"]*)\"").Groups[1].Value;
            return $"<span class=\"{cls} probe-icon-{id}\" aria-hidden=\"true\"></span>";
        }));
        var css = new StringBuilder("span.mud-svg-icon { display: inline-block; background-color: currentColor; -webkit-mask: var(--probe-icon) center / contain no-repeat; mask: var(--probe-icon) center / contain no-repeat; }");
        foreach (var (inner, id) in ids)
        {
            var svg = $"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>{inner.Replace('"', '\'')}</svg>";
            css.Append(CultureInfo.InvariantCulture, $" .probe-icon-{id} {{ --probe-icon: url(\"data:image/svg+xml,{Uri.EscapeDataString(svg)}\"); }}");
        }

        return AddStyle(changed, css.ToString());
    }

    private static string KeepRows(string html, int keep)
    {
        var n = 0;
        return SessionRow().Replace(html, m => n++ < keep ? m.Value : "");
    }

    private static async Task CompareVariantsAsync(IBrowserContext context, string list, int rounds, string? filter)
    {
        var selected = SelectedVariants(filter).ToArray();
        var results = Variants.Select(_ => new List<Dictionary<string, double>>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var v in selected)
            {
                var change = Variants[v].Change;
                var page = await context.NewPageAsync();
                await page.RouteAsync(u => u.Contains("/sessions?", StringComparison.Ordinal), async route =>
                {
                    var response = await route.FetchAsync();
                    await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = change(await response.TextAsync()) });
                });
                await page.GotoAsync(list, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
                // A variant without rows has no row mark: its load event and first paint end it.
                await page.WaitForFunctionAsync("() => window.__probe.marks['row-next-frame'] !== undefined || (document.readyState === 'complete' && window.__probe.marks['first-contentful-paint'] !== undefined)",
                    null, new PageWaitForFunctionOptions { Timeout = 30_000 });
                await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
                results[v].Add(JsonSerializer.Deserialize<Dictionary<string, double>>(await page.EvaluateAsync<string>(Collect))!);
                await page.CloseAsync();
            }
        }

        Console.WriteLine($"Probe: document variants, {rounds} interleaved rounds (page clock, medians, ms; relative to responseEnd in brackets):");
        foreach (var v in selected)
        {
            string M(string key)
            {
                var values = results[v].Where(s => s.ContainsKey(key)).Select(s => s[key] - s["responseEnd"]).ToList();
                var abs = results[v].Where(s => s.ContainsKey(key)).Select(s => s[key]).ToList();
                return values.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{PortalRun.Median(abs):F0} [+{PortalRun.Median(values):F0}]");
            }

            Console.WriteLine($"  {Variants[v].Name,-55} responseEnd {M("responseEnd")} row-observer {M("row-observer")} row painted {M("element-first-row")} FCP {M("first-contentful-paint")} next-frame {M("row-next-frame")} DCL {M("dclEnd")}");
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

        // Off the main thread: the tiles' software raster (RasterTask on the raster worker) and the GPU process's
        // software draws of each frame, which is where a frame spends the time between its commit and its presentation.
        foreach (var kind in new[] { "RasterTask", "Display::DrawAndSwap" })
        {
            var spans = events.EnumerateArray()
                .Where(e => e.GetProperty("name").GetString() == kind && e.TryGetProperty("dur", out _))
                .Select(e => (Ts: (e.GetProperty("ts").GetDouble() - navStart) / 1000, Dur: e.GetProperty("dur").GetDouble() / 1000))
                .Where(e => e.Ts is >= 0 and <= 1500)
                .ToList();
            if (spans.Count == 0) continue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trace: {kind} × {spans.Count}, {spans.Sum(x => x.Dur):F1} ms in all, from {spans.Min(x => x.Ts):F1} to {spans.Max(x => x.Ts + x.Dur):F1} ms; the longest {spans.Max(x => x.Dur):F1} ms"));
        }
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

    [GeneratedRegex("""<link rel="stylesheet"[^>]*>""")]
    private static partial Regex AnyStylesheet();

    [GeneratedRegex("""<script src="[^"]*"></script>""")]
    private static partial Regex BodyScript();

    [GeneratedRegex("""<link rel="preload" as="script"[^>]*>""")]
    private static partial Regex ScriptPreload();

    [GeneratedRegex("""<svg(?<attrs>[^>]*)>(?<inner>.*?)</svg>""", RegexOptions.Singleline)]
    private static partial Regex SvgIcon();

    [GeneratedRegex("""<tr[^>]*data-testid="session-row".*?</tr>""", RegexOptions.Singleline)]
    private static partial Regex SessionRow();

    [GeneratedRegex("""<link rel="stylesheet"[^>]*data-deferred-style[^>]*>""")]
    private static partial Regex DeferredLink();

    [GeneratedRegex("""<img [^>]*>""")]
    private static partial Regex Image();

    [GeneratedRegex("<style data-critical-styles>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex CriticalBlock();

    [GeneratedRegex("<style[^>]*>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
