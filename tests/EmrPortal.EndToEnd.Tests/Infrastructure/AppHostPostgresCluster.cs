using System.Diagnostics;
using System.Globalization;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The folder an AppHost run with <c>--postgres</c> keeps its PostgreSQL cluster in (<c>--Postgres:Directory</c>), seen
/// from outside: the test reads the portal database with <c>psql</c> over the cluster's Unix socket as the cluster's OS
/// user (peer authentication; under root that is <c>postgres</c>), so it needs no password — the AppHost makes a new one
/// each run and keeps it to itself. Deleted on dispose, after stopping by PID a server a failed run left behind.
/// </summary>
internal sealed class AppHostPostgresCluster : IAsyncDisposable
{
    private readonly string _psql;

    public AppHostPostgresCluster()
    {
        _psql = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).Where(File.Exists).Order().LastOrDefault()
              ?? throw new InvalidOperationException("psql not found under /usr/lib/postgresql: apt-get install postgresql, or run ./test.sh.")
            : throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql, or run ./test.sh.");

        // Short: the Unix socket path (folder + "/.s.PGSQL.<port>") must fit in 107 bytes.
        Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "emrportal-e2e-pg-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    }

    public string Folder { get; }

    private string PidFile => Path.Combine(Folder, "data", "postmaster.pid");

    /// <summary>The AppHost arguments that start the cluster in this folder on <paramref name="port"/>.</summary>
    public string[] Arguments(int port) =>
        ["--postgres", $"--Ports:Postgres={port.ToString(CultureInfo.InvariantCulture)}", $"--Postgres:Directory={Folder}"];

    /// <summary>The running postmaster's PID (first line of <c>postmaster.pid</c>), or null when none runs.</summary>
    public int? PostmasterPid()
    {
        try
        {
            return File.Exists(PidFile) ? int.Parse(File.ReadLines(PidFile).First(), CultureInfo.InvariantCulture) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether a clean shutdown removed <c>postmaster.pid</c> (a killed server leaves it behind).</summary>
    public bool LeftPidFile => File.Exists(PidFile);

    /// <summary>Rows of <paramref name="sql"/> in the portal database, one string per row (columns joined by '|').</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(int port, string sql, CancellationToken ct)
    {
        string[] psql = [_psql, "-h", Folder, "-p", port.ToString(CultureInfo.InvariantCulture), "-d", "portaldb", "-XAt", "-v", "ON_ERROR_STOP=1", "-c", sql];
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : psql[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in asRoot ? ["-u", "postgres", "--", .. psql] : psql[1..])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql exited with {process.ExitCode}: {await stderr}");
        }

        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (PostmasterPid() is { } pid && ProcessTree.IsAlive(pid))
        {
            // SIGQUIT: immediate shutdown of a server a failed run left behind.
            _ = ManagedProcess.SendSignal(pid, 3);
            for (var i = 0; i < 40 && ProcessTree.IsAlive(pid); i++)
            {
                await Task.Delay(250);
            }
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not quite exited still holds a file: the temp folder keeps it.
        }
    }
}
