using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// Memory per idle circuit by type: a heap dump of the web process (<c>dotnet-dump collect --type Heap</c>) before and
/// after a set of idle tabs, <c>dumpheap -stat -live</c> on each (reachable objects only), subtracted and divided by
/// the number of tabs. Unlike the GC heap size after a full GC, it does not count free space the new circuits filled
/// and it says what the bytes are (docs/decisions.md, "Measuring circuit memory"). Needs the dotnet-dump global tool:
/// <c>EMRPORTAL_BENCH_DOTNET_DUMP</c> names it (or <c>off</c>), else it is looked up on PATH and in ~/.dotnet/tools.
/// </summary>
internal static partial class HeapDiff
{
    public static string? Tool()
    {
        var configured = Environment.GetEnvironmentVariable("EMRPORTAL_BENCH_DOTNET_DUMP");
        if (string.Equals(configured, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrEmpty(configured)) return configured;
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(directory => Path.Combine(directory, "dotnet-dump"));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Writes a heap dump of <paramref name="processId"/>; null (and a line on the console) if the tool failed.</summary>
    public static async Task<string?> DumpAsync(string tool, int processId, string directory, string label, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var output = Path.Combine(directory, $"web-{label}.dmp");
        var (exit, _) = await RunAsync(tool, ["collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", output, "--type", "Heap"], ct);
        if (exit == 0 && File.Exists(output)) return output;
        Console.WriteLine($"  heap dump ({label}) failed (exit {exit}); memory by type is left out");
        return null;
    }

    /// <summary>The live bytes per circuit between two dumps, and the types that grew most. Deletes the dumps (hundreds of MB).</summary>
    public static async Task<CircuitHeap?> DiffAsync(string tool, string before, string after, int circuits, string page, CancellationToken ct)
    {
        try
        {
            var stats = await Task.WhenAll(StatAsync(tool, before, ct), StatAsync(tool, after, ct));
            if (stats[0] is null || stats[1] is null) return null;
            var (b, a) = (stats[0]!, stats[1]!);
            var growth = a.Keys.Union(b.Keys)
                .Select(type => (Type: type, Bytes: a.GetValueOrDefault(type).Bytes - b.GetValueOrDefault(type).Bytes, Count: a.GetValueOrDefault(type).Count - b.GetValueOrDefault(type).Count))
                .ToList();
            var top = growth.OrderByDescending(g => g.Bytes).Take(12)
                .Select(g => new TypeShare(g.Type, g.Bytes / 1024.0 / circuits, (double)g.Count / circuits)).ToList();
            return new CircuitHeap(page, growth.Sum(g => g.Bytes) / 1024.0 / circuits, top);
        }
        finally
        {
            File.Delete(before);
            File.Delete(after);
        }
    }

    private static async Task<Dictionary<string, (long Count, long Bytes)>?> StatAsync(string tool, string dump, CancellationToken ct)
    {
        var (exit, output) = await RunAsync(tool, ["analyze", dump, "-c", "dumpheap -stat -live", "-c", "exit"], ct);
        if (exit != 0) return null;
        var types = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var m = StatLine().Match(line);
            if (!m.Success) continue;
            var count = long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            var bytes = long.Parse(m.Groups[2].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            var type = m.Groups[3].Value.Trim();
            var known = types.GetValueOrDefault(type);
            types[type] = (known.Count + count, known.Bytes + bytes);
        }

        return types.Count == 0 ? null : types;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string tool, string[] arguments, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await errors;
        return (process.ExitCode, await output);
    }

    // "<method table> <count> <total size> <type name>", as dumpheap -stat prints each type.
    [GeneratedRegex(@"^\s*[0-9a-fA-F]{8,}\s+([\d,]+)\s+([\d,]+)\s+(.+)$")]
    private static partial Regex StatLine();
}
