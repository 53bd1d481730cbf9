using System.Net;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>One published app running as a real process on a loopback port.</summary>
internal sealed class RunningApp(string name, ManagedProcess process, Uri baseAddress) : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string Name { get; } = name;

    public ManagedProcess Process { get; } = process;

    public Uri BaseAddress { get; } = baseAddress;

    public int Port => BaseAddress.Port;

    /// <summary>
    /// Starts <c>dotnet EmrPortal.{app}.dll --urls http://127.0.0.1:{port}</c> from its publish folder (the content
    /// root, so wwwroot is found as in the container) and waits until <c>/health/live</c> answers 200. A port taken
    /// between choosing and binding is retried with another one.
    /// </summary>
    public static async Task<RunningApp> StartAsync(
        string app, string instanceName, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var publishRoot = await PublishedApps.RootAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            var process = ManagedProcess.Start(
                instanceName,
                "dotnet",
                [PublishedApps.EntryAssembly(publishRoot, app), "--urls", baseAddress.ToString().TrimEnd('/')],
                Path.Combine(publishRoot, app),
                settings);
            var running = new RunningApp(instanceName, process, baseAddress);
            try
            {
                await running.WaitUntilLiveAsync(TimeSpan.FromSeconds(90), cancellationToken);
                return running;
            }
            catch (Exception) when (attempt < 3 && process.HasExited && process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await running.DisposeAsync();
            }
            catch
            {
                await running.DisposeAsync();
                throw;
            }
        }
    }

    public async Task WaitUntilLiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var url = new Uri(BaseAddress, "/health/live");
        string? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited before it was healthy. Output:\n{Process.Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync(url, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timeout";
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{Name} did not answer /health/live within {timeout} (last: {last}). Output:\n{Process.Tail()}");
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
