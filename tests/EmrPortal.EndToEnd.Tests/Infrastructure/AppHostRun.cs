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

    /// <summary>emulator, proxy, web, dashboard.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public Uri Url(string resource) => new($"http://localhost:{Ports[resource]}");

    /// <summary>Starts the run; <paramref name="arguments"/> go after the ports (e.g. <c>--postgres</c>).</summary>
    public static AppHostRun Start(params string[] arguments)
    {
        var ports = new Dictionary<string, int>
        {
            ["emulator"] = FreePort.Next(),
            ["proxy"] = FreePort.Next(),
            ["web"] = FreePort.Next(),
            ["dashboard"] = FreePort.Next(),
        };
        string Port(string name) => ports[name].ToString(CultureInfo.InvariantCulture);

        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_URLS"] = $"http://localhost:{Port("dashboard")}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}",
        };

        // A build into a custom artifacts folder (dotnet build --artifacts-path X) is found by the nested
        // `dotnet run --no-build` calls only if MSBuild sees the same ArtifactsPath; the environment carries it down.
        if (ArtifactsRootOfThisBuild() is { } artifacts)
        {
            environment["ArtifactsPath"] = artifacts;
        }

        var process = ManagedProcess.Start(
            "apphost",
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

    /// <summary>Waits until emulator, proxy and web answer /health/live through their Aspire endpoints.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pending = new HashSet<string>(["emulator", "proxy", "web"]);
        while (pending.Count > 0)
        {
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
                if (await StatusAsync(new Uri(Url(resource), "/health/live"), ct) == HttpStatusCode.OK)
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
}
