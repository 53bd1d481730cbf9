using System.Globalization;
using System.Net;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The README's run command, <c>dotnet run --project src/EmrPortal.AppHost</c>, as a real process on free ports (so
/// it can run beside a developer's own instance), with the settings of its http launch profile given explicitly.
/// Stopping it stops everything it started: the AppHost, Aspire's orchestrator and dashboard, and the three apps.
/// </summary>
internal sealed class AppHostRun : IAsyncDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };

    private AppHostRun(ManagedProcess process, IReadOnlyDictionary<string, int> ports)
    {
        Process = process;
        Ports = ports;
    }

    public ManagedProcess Process { get; }

    /// <summary>emulator, proxy, web, dashboard, otlp, resource-service, and the extra ports the caller asked for.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public Uri Url(string resource) => new($"http://localhost:{Ports[resource]}");

    /// <summary>How many times <see cref="StartHealthyAsync"/> starts the run when a port it chose was taken meanwhile.</summary>
    private const int MaxAttempts = 4;

    /// <summary>
    /// Starts the run and waits until emulator, proxy and web answer /health/live and the dashboard answers. The ports
    /// are chosen before the start, so something else can bind one of them first (another run on this machine): when
    /// the output reports a bind conflict the whole run is stopped and started again on new ports.
    /// <paramref name="extraPorts"/> names more ports <paramref name="arguments"/> use (e.g. "postgres"); they are
    /// chosen anew on each attempt too and end up in <see cref="Ports"/>.
    /// </summary>
    public static async Task<AppHostRun> StartHealthyAsync(
        TimeSpan timeout, CancellationToken ct,
        Func<IReadOnlyDictionary<string, int>, IEnumerable<string>>? arguments = null, params string[] extraPorts)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = ChoosePorts(extraPorts);
            var run = Start(attempt == 1 ? "apphost" : $"apphost-attempt{attempt}", ports, arguments?.Invoke(ports) ?? []);
            try
            {
                await run.WaitUntilHealthyAsync(timeout, ct);
                return run;
            }
            catch (PortConflictException conflict) when (attempt < MaxAttempts)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"AppHost attempt {attempt}: {conflict.Message}; starting again on new ports.");
                await run.DisposeAsync();
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// The run's ports, below the kernel's ephemeral range: there only an explicit bind can take one (not an outgoing
    /// connection or a port-0 listener of this busy machine), which makes a conflict rare; <see cref="StartHealthyAsync"/>
    /// handles the rest.
    /// </summary>
    internal static Dictionary<string, int> ChoosePorts(IEnumerable<string> extraPorts)
    {
        var ports = new Dictionary<string, int>();
        foreach (var name in (string[])["emulator", "proxy", "web", "dashboard", "otlp", "resource-service", .. extraPorts])
        {
            int port;
            do
            {
                port = FreePort.NextOutsideEphemeralRange();
            }
            while (ports.ContainsValue(port));

            ports[name] = port;
        }

        return ports;
    }

    internal static AppHostRun Start(string name, Dictionary<string, int> ports, IEnumerable<string> arguments)
    {
        string Port(string resource) => ports[resource].ToString(CultureInfo.InvariantCulture);

        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_URLS"] = $"http://localhost:{Port("dashboard")}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{Port("otlp")}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{Port("resource-service")}",
        };

        // A build into a custom artifacts folder (dotnet build --artifacts-path X) is found by the nested
        // `dotnet run --no-build` calls only if MSBuild sees the same ArtifactsPath; the environment carries it down.
        if (ArtifactsRootOfThisBuild() is { } artifacts)
        {
            environment["ArtifactsPath"] = artifacts;
        }

        var process = ManagedProcess.Start(
            name,
            "dotnet",
            [
                "run", "--project", "src/EmrPortal.AppHost", "--no-build", "-c", Configuration, "--no-launch-profile", "--",
                $"--Ports:Emulator={Port("emulator")}", $"--Ports:Proxy={Port("proxy")}", $"--Ports:Web={Port("web")}",
                .. arguments,
            ],
            RepositoryPaths.Root,
            environment);
        return new AppHostRun(process, ports);
    }

    /// <summary>
    /// Waits until emulator, proxy and web answer /health/live through their Aspire endpoints and the dashboard answers
    /// at all; throws <see cref="PortConflictException"/> as soon as the output reports a port that was taken.
    /// </summary>
    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pending = new HashSet<string>(["emulator", "proxy", "web", "dashboard"]);
        while (pending.Count > 0)
        {
            // Kestrel ("Failed to bind to address …: address already in use") and Aspire's orchestrator ("listen tcp …:
            // bind: address already in use") both say it this way.
            // The AppHost's own port check says "already in use" before it starts anything.
            var conflict = Process.Output.Split('\n').FirstOrDefault(line => line.Contains("already in use", StringComparison.OrdinalIgnoreCase));
            if (conflict is not null)
            {
                throw new PortConflictException(conflict.Trim());
            }

            if (Process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited. Output:\n{Process.Tail(80)}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Not healthy within {timeout}: {string.Join(", ", pending)}. Output:\n{Process.Tail(80)}");
            }

            foreach (var resource in pending.ToList())
            {
                var status = resource == "dashboard"
                    ? await StatusAsync(Url(resource), ct)
                    : await StatusAsync(new Uri(Url(resource), "/health/live"), ct);
                if (resource == "dashboard" ? status is not null : status == HttpStatusCode.OK)
                {
                    pending.Remove(resource);
                }
            }

            await Task.Delay(500, ct);
        }
    }

    public static async Task<HttpStatusCode?> StatusAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await Http.GetAsync(url, ct);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Stops the run: SIGTERM to the AppHost (Aspire then stops its resources), SIGKILL for anything of this run still
    /// alive after the grace period. Returns the PIDs that needed SIGKILL (none when shutdown works).
    /// </summary>
    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan grace)
    {
        var table = ProcessTree.Snapshot();
        var ours = ProcessTree.WithDescendants([Process.Pid], table);
        var monitors = table
            .Where(p => p.CommandLine.Contains("dcp", StringComparison.Ordinal)
                        && ours.Any(pid => p.CommandLine.Contains($"--monitor {pid} ", StringComparison.Ordinal)
                                           || p.CommandLine.EndsWith($"--monitor {pid}", StringComparison.Ordinal)))
            .Select(p => p.Pid);
        var everything = ProcessTree.WithDescendants(ours.Concat(monitors), table);

        var appHost = table.FirstOrDefault(p => ours.Contains(p.Pid) && p.Pid != Process.Pid
                                                && p.CommandLine.Contains("EmrPortal.AppHost", StringComparison.Ordinal)).Pid;
        ManagedProcess.SendSignal(appHost != 0 ? appHost : Process.Pid, 15);

        var deadline = DateTimeOffset.UtcNow + grace;
        while (DateTimeOffset.UtcNow < deadline && everything.Any(ProcessTree.IsAlive))
        {
            await Task.Delay(250);
        }

        var survivors = table.Where(p => everything.Contains(p.Pid) && ProcessTree.IsAlive(p.Pid)).ToList();
        foreach (var survivor in survivors)
        {
            ManagedProcess.SendSignal(survivor.Pid, 9);
        }

        await Process.StopAsync(TimeSpan.FromSeconds(5));
        return survivors.Select(s => $"{s.Pid} {s.CommandLine}").ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            await StopAsync(TimeSpan.FromSeconds(20));
        }

        await Process.DisposeAsync();
    }

    /// <summary><c>X</c> when this test assembly runs from <c>X/bin/EmrPortal.EndToEnd.Tests/&lt;config&gt;/</c>.</summary>
    private static string? ArtifactsRootOfThisBuild()
    {
        var configDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var projectDirectory = configDirectory.Parent;
        var bin = projectDirectory?.Parent;
        var root = bin?.Parent;
        return projectDirectory?.Name == "EmrPortal.EndToEnd.Tests" && bin?.Name == "bin" && root is not null
               && Directory.Exists(Path.Combine(root.FullName, "obj"))
            ? root.FullName
            : null;
    }

    /// <summary>A port the run was given was bound by something else before the run could bind it.</summary>
    private sealed class PortConflictException(string line) : Exception($"a port was taken: {line}");
}
