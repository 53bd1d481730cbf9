using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A process a test started: stdout/stderr go to a log file under artifacts/logs (and a small in-memory tail for
/// failure messages), and it is stopped by its PID — on dispose, and on test-host exit if a fixture never got to
/// dispose (a crash or a cancelled run must not leave servers listening).
/// </summary>
internal sealed partial class ManagedProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly string[] InheritedSettingsToDrop =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Lock _logLock = new();
    private int _stopped;
    private bool _logClosed;

    static ManagedProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                TryKill(process);
            }
        };
    }

    private ManagedProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="fileName"/> with exactly the given settings on top of a cleaned environment.</summary>
    public static ManagedProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var key in InheritedSettingsToDrop)
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var logPath = Path.Combine(RepositoryPaths.Logs, $"e2e-{name}.log");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8)
        {
            AutoFlush = true,
        };
        log.WriteLine($"--- {DateTimeOffset.UtcNow:O} start {name}: {fileName} {string.Join(' ', startInfo.ArgumentList)}");

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name} ({fileName}).");
        }

        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>The last lines the process wrote, for assertion messages.</summary>
    public string Tail(int lines = 40) => string.Join(Environment.NewLine, _tail.TakeLast(lines));

    /// <summary>Everything captured so far (also on disk at <see cref="LogPath"/>).</summary>
    public string Output => string.Join(Environment.NewLine, _tail);

    public Task<bool> WaitForExitAsync(TimeSpan timeout) => WaitForExitCoreAsync(_process, timeout);

    /// <summary>SIGTERM (graceful: logs flush, children are told), then SIGKILL if it is still there after the grace period.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _ = SendSignal(_process.Id, SigTerm);
                if (!await WaitForExitCoreAsync(_process, grace ?? TimeSpan.FromSeconds(10)))
                {
                    TryKill(_process);
                    await WaitForExitCoreAsync(_process, TimeSpan.FromSeconds(5));
                }
            }
        }
        finally
        {
            Running.TryRemove(_process.Id, out _);
            lock (_logLock)
            {
                _log.WriteLine($"--- {DateTimeOffset.UtcNow:O} stopped {Name} (exit {(_process.HasExited ? _process.ExitCode : -1)})");
                _log.Dispose();
                _logClosed = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 2000 && _tail.TryDequeue(out _))
        {
        }

        lock (_logLock)
        {
            // Output that arrives after the stop has no file to go to; the tail keeps it.
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static async Task<bool> WaitForExitCoreAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private const int SigTerm = 15;

    /// <summary>Sends a POSIX signal to one PID (the BCL only offers SIGKILL).</summary>
    internal static bool SendSignal(int pid, int signal) => OperatingSystem.IsWindows() || Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
