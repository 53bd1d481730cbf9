using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EmrPortal.LoadDriver;

/// <summary>
/// One published app (Emulator or Proxy) running as a real process on a loopback port. Output goes to a log file
/// (never a pipe nobody reads); the process is stopped by its PID, always, including when the driver fails.
/// </summary>
internal sealed class LocalApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private LocalApp(string name, Process process, StreamWriter log, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Process start → the first 200 from <c>/health/live</c> (polled every 10 ms).</summary>
    public TimeSpan StartToReady { get; private set; }

    /// <summary>When the app was first seen ready (a <see cref="Stopwatch"/> timestamp).</summary>
    public long ReadyAt { get; private set; }

    /// <summary>CPU time the process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<LocalApp> StartAsync(
        string name, string entryAssembly, IReadOnlyDictionary<string, string> environment, string logDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(entryAssembly))
        {
            throw new FileNotFoundException($"{name}: {entryAssembly} does not exist (run ./bench.sh, which publishes it).");
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(entryAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(entryAssembly);
        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.GetLeftPart(UriPartial.Authority);
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log"), append: false) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        var launched = Stopwatch.GetTimestamp();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new LocalApp(name, process, log, baseAddress);
        Console.WriteLine($"  started {name} (pid {process.Id}) on {baseAddress}");
        try
        {
            await app.WaitHealthyAsync(cancellationToken);
            app.ReadyAt = Stopwatch.GetTimestamp();
            app.StartToReady = Stopwatch.GetElapsedTime(launched, app.ReadyAt);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    // Generous: on a shared 2-core machine under a load average of 30 a ReadyToRun app still takes over a minute to listen.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} during start-up; see its log.");
            }

            try
            {
                using var response = await http.GetAsync("health/live", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow start on a busy machine.
            }

            await Task.Delay(10, cancellationToken);
        }

        throw new TimeoutException($"{Name} did not answer /health/live within {StartTimeout.TotalSeconds:F0} s; see its log.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // By PID: this Process object is the one we started.
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                Console.WriteLine($"  stopped {Name} (pid {_process.Id})");
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            await _log.DisposeAsync();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>A port the OS has just handed out on 127.0.0.1 (released at once for the app to bind).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
