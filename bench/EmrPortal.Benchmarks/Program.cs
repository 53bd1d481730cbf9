using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EmrPortal.Bench;
using EmrPortal.Benchmarks.Micro;

namespace EmrPortal.Benchmarks;

/// <summary>
/// <c>micro [--results file.json] [BenchmarkDotNet options]</c> runs the micro-benchmarks (all, or those matching
/// <c>--filter</c>); <c>scaling --results file.json</c> runs the in-process scaling curve.
/// Without <c>--job</c> the bench job is used (in-process, 3 warm-up + 10 measured iterations): sized for bench.sh's
/// 15-minute budget on 2 cores. With <c>--job dry|short</c> BenchmarkDotNet's job is used, still in-process.
/// </summary>
public static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "micro";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        var results = TakeOption(ref rest, "--results");
        return mode switch
        {
            "micro" => RunMicro(rest, results),
            "scaling" => ScalingCurve.Run(rest, results),
            "notify" => NotificationCost.Run(rest, results),
            _ => Usage(),
        };
    }

    private static int RunMicro(string[] args, string? resultsPath)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance).AddDiagnoser(MemoryDiagnoser.Default);
        string jobName;
        if (args.Contains("--job"))
        {
            jobName = args[Array.IndexOf(args, "--job") + 1];
            if (!args.Contains("--inProcess"))
            {
                args = [.. args, "--inProcess"];
            }
        }
        else
        {
            jobName = "bench (in-process, 3 warm-up + 10 iterations)";
            config = config.AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithId("bench"));
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, config).ToList();
        if (resultsPath is not null)
        {
            Write(resultsPath, new MicroResults(jobName, DateTimeOffset.UtcNow, [.. summaries.SelectMany(Results)], Facts()));
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static IEnumerable<MicroResult> Results(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            var stats = report.ResultStatistics;
            if (stats is null)
            {
                continue;
            }

            yield return new MicroResult(
                descriptor.Type.Name,
                descriptor.WorkloadMethod.Name,
                descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                descriptor.Baseline,
                stats.Mean,
                stats.Median,
                stats.StandardDeviation,
                report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
                stats.N);
        }
    }

    /// <summary>Sizes the report quotes next to the timings (bytes of the page JSON and of the CSV).</summary>
    private static Dictionary<string, long> Facts()
    {
        var deserialize = new DeserializeBenchmarks();
        deserialize.Setup();
        var csv = new CsvBenchmarks();
        csv.Setup();
        csv.Csv10k().GetAwaiter().GetResult();
        return new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["pageJsonBytes"] = deserialize.PageBytes,
            ["csv10kBytes"] = csv.LastBytes,
        };
    }

    internal static void Write<T>(string path, T value)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), BenchJsonContext.Default));
        Console.WriteLine($"Results written to {path}");
    }

    private static string? TakeOption(ref string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0 || index + 1 >= args.Length)
        {
            return null;
        }

        var value = args[index + 1];
        args = [.. args[..index], .. args[(index + 2)..]];
        return value;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: EmrPortal.Benchmarks [micro|scaling] [--results file.json] [BenchmarkDotNet options, e.g. --filter '*Snapshot*' --job short]");
        return 2;
    }
}
