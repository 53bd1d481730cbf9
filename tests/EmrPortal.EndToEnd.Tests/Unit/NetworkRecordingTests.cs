using System.Text;
using EmrPortal.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Unit;

/// <summary>
/// The secret scan's bookkeeping without a browser: every finished response body is scanned (read, or re-fetched when
/// the browser dropped a GET's body), and everything else is reported as not scanned.
/// </summary>
public sealed class NetworkRecordingTests
{
    private const string Dropped = "Protocol error (Network.getResponseBody): No resource with given identifier found\nResponse body is not available " +
        "for a response that was navigated away from. Read response.body() before triggering any navigation.";
    private static readonly Dictionary<string, string> Headers = new() { ["content-type"] = "image/svg+xml" };

    private readonly StringBuilder _seen = new();
    private readonly List<string> _refetched = [];

    [Fact]
    public async Task A_finished_response_has_its_headers_and_body_scanned()
    {
        var network = Recording(_ => throw new InvalidOperationException("no re-fetch expected"));

        network.Finished("GET", "http://portal/logo.svg", Respond(200, () => Task.FromResult("<svg>logo</svg>"u8.ToArray())));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Equal(1, report.Scanned);
        Assert.Empty(report.NotScanned);
        Assert.Empty(report.Refetched);
        Assert.Contains("<svg>logo</svg>", _seen.ToString(), StringComparison.Ordinal);
        Assert.Contains("content-type: image/svg+xml", _seen.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GET_whose_body_the_browser_dropped_is_fetched_again_and_that_body_is_scanned()
    {
        var network = Recording(_ => Task.FromResult(new RefetchedResponse(200, Headers, "<svg>fetched again</svg>"u8.ToArray())));

        network.Finished("GET", "http://portal/favicon.abc.svg", Respond(200, () => throw new PlaywrightException(Dropped)));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Equal(["http://portal/favicon.abc.svg"], _refetched);
        Assert.Equal(["http://portal/favicon.abc.svg"], report.Refetched);
        Assert.Equal(1, report.Scanned);
        Assert.Empty(report.NotScanned);
        Assert.Contains("<svg>fetched again</svg>", _seen.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_body_fetched_again_with_another_status_is_not_scanned()
    {
        var network = Recording(_ => Task.FromResult(new RefetchedResponse(404, Headers, "gone"u8.ToArray())));

        network.Finished("GET", "http://portal/logo.svg", Respond(200, () => throw new PlaywrightException(Dropped)));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Equal(0, report.Scanned);
        Assert.Contains(report.NotScanned, n => n.StartsWith("http://portal/logo.svg:", StringComparison.Ordinal) && n.Contains("404", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dropped_body_that_cannot_be_fetched_again_is_not_scanned()
    {
        var network = Recording(_ => throw new PlaywrightException("connect ECONNREFUSED"));

        network.Finished("GET", "http://portal/logo.svg", Respond(200, () => throw new PlaywrightException(Dropped)));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Equal(0, report.Scanned);
        Assert.Contains(report.NotScanned, n => n.Contains("ECONNREFUSED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_a_GET_is_fetched_again_and_only_when_the_browser_dropped_the_body()
    {
        var network = Recording(_ => Task.FromResult(new RefetchedResponse(200, Headers, "again"u8.ToArray())));

        network.Finished("POST", "http://portal/_blazor/negotiate", Respond(200, () => throw new PlaywrightException(Dropped)));
        network.Finished("GET", "http://portal/app.css", Respond(200, () => throw new PlaywrightException("Target closed")));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Empty(_refetched);
        Assert.Equal(0, report.Scanned);
        Assert.Equal(2, report.NotScanned.Count);
        Assert.Contains(report.NotScanned, n => n.StartsWith("http://portal/_blazor/negotiate:", StringComparison.Ordinal));
        Assert.Contains(report.NotScanned, n => n.StartsWith("http://portal/app.css:", StringComparison.Ordinal) && n.Contains("Target closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_has_its_headers_scanned_and_no_body_read()
    {
        var network = Recording(_ => throw new InvalidOperationException("no re-fetch expected"));
        var redirect = new Dictionary<string, string> { ["location"] = "/signin?returnUrl=%2F" };

        network.Finished("GET", "http://portal/", () => Task.FromResult<RecordedResponse?>(
            new RecordedResponse(302, redirect, () => throw new PlaywrightException("Response body is unavailable for redirect responses"))));
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, network.Report().Scanned);
        Assert.Contains("location: /signin?returnUrl=%2F", _seen.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_request_without_a_response_and_a_failed_request_are_reported()
    {
        var network = Recording(_ => throw new InvalidOperationException("no re-fetch expected"));

        network.Finished("GET", "http://portal/none", () => Task.FromResult<RecordedResponse?>(null));
        network.Failed("GET", "http://portal/favicon.ico", "net::ERR_ABORTED");
        await network.ScannedAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var report = network.Report();
        Assert.Equal(["http://portal/none: finished without a response"], report.NotScanned);
        Assert.Equal(["GET http://portal/favicon.ico (net::ERR_ABORTED)"], report.Failed);
    }

    [Fact]
    public async Task ScannedAsync_waits_for_a_body_still_being_read_and_fails_when_it_never_comes()
    {
        var network = Recording(_ => throw new InvalidOperationException("no re-fetch expected"));
        var slow = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);

        network.Finished("GET", "http://portal/slow.js", Respond(200, () => slow.Task));
        var waiting = network.ScannedAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        Assert.Contains("http://portal/slow.js: still being read", network.Report().NotScanned);
        slow.SetResult("slow body"u8.ToArray());
        await waiting;
        Assert.Equal(1, network.Report().Scanned);
        Assert.Contains("slow body", _seen.ToString(), StringComparison.Ordinal);

        network.Finished("GET", "http://portal/never.js", Respond(200, () => never.Task));
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => network.ScannedAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));
        Assert.Contains("http://portal/never.js", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("slow.js", failure.Message, StringComparison.Ordinal);
    }

    private NetworkRecording Recording(Func<string, Task<RefetchedResponse>> refetch) =>
        new(text => _seen.AppendLine(text), url =>
        {
            _refetched.Add(url);
            return refetch(url);
        });

    private static Func<Task<RecordedResponse?>> Respond(int status, Func<Task<byte[]>> body) =>
        () => Task.FromResult<RecordedResponse?>(new RecordedResponse(status, Headers, body));
}
