using System.Globalization;

namespace EmrPortal.LoadDriver;

/// <summary>
/// <c>run --emulator &lt;dll&gt; --proxy &lt;dll&gt; --results load.json [--logs dir] [--sessions 10000] [--latency-ms 50]
/// [--concurrency 32] [--warm-requests 30000] [--warm-seconds 30] [--naive-requests 64] [--paced-rps 400] [--web &lt;dll&gt;]
/// [--bare &lt;dll&gt;] [--anchor-rounds 3] [--anchor-seconds 3] [--anchor-warm-seconds 12] [--anchor-only]</c>: the bounded loopback load run
/// (with <c>--bare</c>, side by side with the bare-Kestrel anchor; with <c>--web</c>, the Web's start-up too). With
/// <c>--anchor-only</c> (needs <c>--bare</c>; for iterating on the proxy's request path) it starts the emulator and one
/// proxy, warms it up and runs only the anchor rounds, skipping start-up, cold, coalescing, warm, paced and naive phases;
/// the results file then holds the anchor results alone (not a report input). <c>soak --emulator --proxy --results [--clients 200] [--seconds 60] [--error-percent 10]</c>:
/// the bounded soak with upstream faults. <c>portal --emulator --proxy --web --results [--chromium /usr/bin/chromium]</c>:
/// Playwright timings and server memory per circuit. <c>flood --emulator --proxy --results [--random-ids 500]
/// [--concurrency 8]</c>: one user's random ids beside another's detail reads. <c>report --micro m.json --scaling s.json --load l.json
/// [--soak s.json] [--portal p.json] --out docs/benchmarks.md</c>: writes the markdown report from the result files.
/// </summary>
public static class LoadDriverProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        var options = Parse(args[1..]);
        switch (args[0])
        {
            case "run":
                return await LoadRun.RunAsync(new LoadOptions
                {
                    EmulatorDll = Required(options, "emulator"),
                    ProxyDll = Required(options, "proxy"),
                    WebDll = options.GetValueOrDefault("web"),
                    BareDll = options.GetValueOrDefault("bare"),
                    AnchorOnly = options.ContainsKey("anchor-only"),
                    AnchorRounds = Int(options, "anchor-rounds", 3),
                    AnchorPhase = TimeSpan.FromSeconds(Int(options, "anchor-seconds", 3)),
                    AnchorWarmMax = TimeSpan.FromSeconds(Int(options, "anchor-warm-seconds", 12)),
                    ResultsPath = Required(options, "results"),
                    LogDirectory = options.GetValueOrDefault("logs") ?? Path.Combine(Path.GetTempPath(), "emrportal-bench-logs"),
                    Sessions = Int(options, "sessions", 10_000),
                    LatencyMs = Int(options, "latency-ms", 50),
                    Concurrency = Int(options, "concurrency", 32),
                    Identities = Int(options, "identities", 8),
                    WarmRequests = Int(options, "warm-requests", 30_000),
                    WarmCap = TimeSpan.FromSeconds(Int(options, "warm-seconds", 30)),
                    NaiveRequests = Int(options, "naive-requests", 64),
                    NaiveCap = TimeSpan.FromSeconds(Int(options, "naive-seconds", 60)),
                    Coalescing = Int(options, "coalescing", 50),
                    PacedRps = Int(options, "paced-rps", 400),
                    PacedSeconds = Int(options, "paced-seconds", 15),
                });
            case "soak":
                return await SoakRun.RunAsync(
                    Required(options, "emulator"), Required(options, "proxy"), Required(options, "results"),
                    options.GetValueOrDefault("logs") ?? Path.Combine(Path.GetTempPath(), "emrportal-bench-logs"),
                    Int(options, "clients", 200), TimeSpan.FromSeconds(Int(options, "seconds", 60)),
                    Int(options, "error-percent", 10) / 100.0);
            case "portal":
                return await PortalRun.RunAsync(
                    Required(options, "emulator"), Required(options, "proxy"), Required(options, "web"), Required(options, "results"),
                    options.GetValueOrDefault("logs") ?? Path.Combine(Path.GetTempPath(), "emrportal-bench-logs"),
                    options.GetValueOrDefault("chromium") ?? "/usr/bin/chromium",
                    Int(options, "navigations", 20), Int(options, "circuits", 50), options.ContainsKey("memory-only"), options.GetValueOrDefault("probe"), options.ContainsKey("timing-only"),
                    options.GetValueOrDefault("variants"), options.GetValueOrDefault("bare"));
            case "flood":
                return await FloodRun.RunAsync(
                    Required(options, "emulator"), Required(options, "proxy"), Required(options, "results"),
                    options.GetValueOrDefault("logs") ?? Path.Combine(Path.GetTempPath(), "emrportal-bench-logs"),
                    Int(options, "random-ids", 500), Int(options, "concurrency", 8));
            case "report":
                return BenchReport.Write(
                    Required(options, "micro"), Required(options, "scaling"), Required(options, "load"), Required(options, "out"),
                    options.GetValueOrDefault("total-seconds"), options.GetValueOrDefault("source"),
                    options.GetValueOrDefault("soak"), options.GetValueOrDefault("portal"), options.GetValueOrDefault("flood"),
                    options.GetValueOrDefault("notify"));
            default:
                return Usage();
        }
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument {args[i]}.");
            }

            var name = args[i][2..];
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            result[name] = hasValue ? args[++i] : "true";
        }

        return result;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static int Usage()
    {
        Console.Error.WriteLine("usage: EmrPortal.LoadDriver run --emulator <dll> --proxy <dll> --results <json> [options]");
        Console.Error.WriteLine("       EmrPortal.LoadDriver run --emulator <dll> --proxy <dll> --bare <dll> --results <json> --anchor-only [--anchor-rounds 3] [--anchor-seconds 3]");
        Console.Error.WriteLine("       EmrPortal.LoadDriver soak --emulator <dll> --proxy <dll> --results <json> [--clients 200] [--seconds 60]");
        Console.Error.WriteLine("       EmrPortal.LoadDriver portal --emulator <dll> --proxy <dll> --web <dll> --results <json> [--circuits 50] [--memory-only] [--bare <dll>] [--timing-only] [--probe <dir> [--variants <name prefixes>]]");
        Console.Error.WriteLine("       EmrPortal.LoadDriver report --micro <json> --scaling <json> --load <json> --out <md>");
        return 2;
    }
}
