using System.Globalization;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Linux process table, read from /proc. Needed because Aspire's orchestrator (DCP) detaches from the AppHost
/// (it is re-parented to init and watches the AppHost's PID instead), so "everything the AppHost run started" is
/// the AppHost's descendants plus the DCP processes monitoring it, and their descendants.
/// </summary>
internal static class ProcessTree
{
    public static IReadOnlyList<(int Pid, int ParentPid, string CommandLine)> Snapshot()
    {
        var result = new List<(int, int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // stat is "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
                result.Add((pid, parent, commandLine));
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    /// <summary>PIDs of <paramref name="roots"/> and everything below them.</summary>
    public static IReadOnlySet<int> WithDescendants(IEnumerable<int> roots, IReadOnlyList<(int Pid, int ParentPid, string CommandLine)> table)
    {
        var found = new HashSet<int>(roots);
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent, _) in table)
            {
                if (found.Contains(parent) && found.Add(pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        return found;
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
