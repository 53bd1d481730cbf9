using System.Diagnostics;
using System.Globalization;
using EmrPortal.Bench;

namespace EmrPortal.LoadDriver;

/// <summary>
/// Keeps one run's figures trustworthy on a shared machine: before a timing-sensitive phase, wait (bounded) for the
/// 1-minute load average to fall to the number of cores, and record the load average beside the phase's figures
/// either way. A phase that still started on a busy machine can be repeated by the caller (see <see cref="IsBusy"/>).
/// </summary>
internal static class LoadGate
{
    /// <summary>Settled: the 1-minute load average at most one runnable task per core.</summary>
    public static double Threshold { get; } = Environment.ProcessorCount;

    public static bool IsBusy => OneMinute() is var l && !double.IsNaN(l) && l > Threshold;

    /// <summary>Waits until the machine is settled or <paramref name="maxWait"/> has passed (checking every 2 s).</summary>
    public static async Task<PhaseLoad> WaitAsync(string phase, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var before = LoadRun.LoadAverage();
        var clock = Stopwatch.StartNew();
        while (IsBusy && clock.Elapsed < maxWait)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        var settled = !IsBusy;
        var load = new PhaseLoad(phase, before, LoadRun.LoadAverage(), "", clock.Elapsed.TotalSeconds, settled);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  load gate before {phase}: {before} → {load.AtStart} after {load.WaitedSeconds:F0} s ({(settled ? "settled" : $"still above {Threshold:F0}, measuring anyway and reporting it")})"));
        return load;
    }

    /// <summary>The gate's record completed with the load average at the end of the phase.</summary>
    public static PhaseLoad Finish(PhaseLoad started) => started with { AtEnd = LoadRun.LoadAverage() };

    public static double OneMinute()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}
