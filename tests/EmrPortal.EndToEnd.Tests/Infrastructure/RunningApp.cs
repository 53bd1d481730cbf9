using System.Net;
using System.Text.RegularExpressions;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>One published app running as a real process on a loopback port.</summary>
internal sealed partial class RunningApp(string name, ManagedProcess process, Uri baseAddress) : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string Name { get; } = name;

    public ManagedProcess Process { get; } = process;

    public Uri BaseAddress { get; } = baseAddress;

    public int Port => BaseAddress.Port;

    /// <summary>
    /// Starts <c>dotnet EmrPortal.{app}.dll --urls http://127.0.0.1:0</c> from its publish folder (the content root, so
    /// wwwroot is found as in the container), reads the port Kestrel bound from its "Now listening on" line, and waits
    /// until <c>/health/live</c> answers 200. The app binds the port itself: a port chosen first and bound later can be
    /// taken in between by anything else on this shared machine.
    /// </summary>
    public static async Task<RunningApp> StartAsync(
        string app, string instanceName, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var publishRoot = await PublishedApps.RootAsync(cancellationToken);
        var process = ManagedProcess.Start(
            instanceName,
            "dotnet",
            [PublishedApps.EntryAssembly(publishRoot, app), "--urls", "http://127.0.0.1:0"],
            Path.Combine(publishRoot, app),
            settings);
        try
        {
            var baseAddress = await BoundAddressAsync(instanceName, process, TimeSpan.FromSeconds(90), cancellationToken);
            var running = new RunningApp(instanceName, process, baseAddress);
            await running.WaitUntilLiveAsync(TimeSpan.FromSeconds(90), cancellationToken);
            return running;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static async Task<Uri> BoundAddressAsync(string name, ManagedProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (ListeningOn().Match(process.Output) is { Success: true } match)
            {
                return new Uri(match.Groups["url"].Value);
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited before it listened. Output:\n{process.Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{name} did not say where it listens within {timeout}. Output:\n{process.Tail()}");
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:[1-9][0-9]*)")]
    private static partial Regex ListeningOn();

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
