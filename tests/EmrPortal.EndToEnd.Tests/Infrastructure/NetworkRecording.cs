using System.Text;
using Microsoft.Playwright;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>A finished request's response as the browser has it; <see cref="ReadBody"/> fails once the browser dropped it.</summary>
internal sealed record RecordedResponse(int Status, IReadOnlyDictionary<string, string> Headers, Func<Task<byte[]>> ReadBody);

/// <summary>The same URL fetched again outside the page (same cookies).</summary>
internal sealed record RefetchedResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// What <see cref="NetworkRecording"/> did: bodies scanned (re-fetched ones included, and listed), finished responses
/// whose body was not scanned (with the reason), and requests that failed.
/// </summary>
internal sealed record NetworkReport(int Scanned, IReadOnlyList<string> Refetched, IReadOnlyList<string> NotScanned, IReadOnlyList<string> Failed);

/// <summary>
/// Every request of a browser context: a finished one has its headers and body appended to what a scan searches (and
/// counts as scanned only then), a failed one is only listed. Playwright raises the events on its own dispatch thread
/// while the test reads the lists, hence the lock.
/// <para>
/// A response can finish after the test read the page and before the next page commits; the browser then drops its body
/// ("Response body is not available for a response that was navigated away from"). For a GET the same URL is fetched
/// again through <c>refetch</c> (the context's <c>APIRequest</c>: same cookies) and that body is scanned instead, listed
/// as re-fetched; it counts only if it answers with the same status. Any other body that cannot be read is reported as
/// not scanned, so nothing finished goes unsearched.
/// </para>
/// </summary>
internal sealed class NetworkRecording(Action<string> append, Func<string, Task<RefetchedResponse>> refetch)
{
    /// <summary>What Playwright adds to the browser's error when the body went with the document the page left.</summary>
    private const string BodyDroppedMessage = "Response body is not available for a response that was navigated away from";

    private readonly Lock _lock = new();
    private readonly List<(string Url, Task<Outcome> Recording)> _finished = [];
    private readonly List<string> _failed = [];

    /// <summary>Records a request Playwright reported as finished (<c>RequestFinished</c>).</summary>
    public void Finished(IRequest request) =>
        Finished(request.Method, request.Url, async () =>
            await request.ResponseAsync() is { } response
                ? new RecordedResponse(response.Status, await response.AllHeadersAsync(), response.BodyAsync)
                : null);

    /// <summary>Records a finished request; <paramref name="response"/> gives its response (null when there was none).</summary>
    public void Finished(string method, string url, Func<Task<RecordedResponse?>> response)
    {
        var recording = RecordAsync(method, url, response);
        lock (_lock)
        {
            _finished.Add((url, recording));
        }
    }

    /// <summary>Records a request Playwright reported as failed (<c>RequestFailed</c>): it has no body to scan.</summary>
    public void Failed(IRequest request) => Failed(request.Method, request.Url, request.Failure);

    public void Failed(string method, string url, string? failure)
    {
        lock (_lock)
        {
            _failed.Add($"{method} {url} ({failure})");
        }
    }

    /// <summary>Waits until every request that finished so far has been read (bounded).</summary>
    public async Task ScannedAsync(TimeSpan limit, CancellationToken ct)
    {
        (string Url, Task<Outcome> Recording)[] finished;
        lock (_lock)
        {
            finished = [.. _finished];
        }

        try
        {
            await Task.WhenAll(finished.Select(f => f.Recording)).WaitAsync(limit, ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Finished responses whose bodies could not be read within {limit.TotalSeconds} s: " +
                string.Join(", ", finished.Where(f => !f.Recording.IsCompleted).Select(f => f.Url)));
        }
    }

    public NetworkReport Report()
    {
        lock (_lock)
        {
            var outcomes = _finished
                .Select(f => (f.Url, Outcome: f.Recording.IsCompletedSuccessfully ? f.Recording.Result : Outcome.NotScanned("still being read")))
                .ToList();
            var notScanned = outcomes.Where(o => o.Outcome.NotScannedBecause is not null).Select(o => $"{o.Url}: {o.Outcome.NotScannedBecause}").ToList();
            var refetched = outcomes.Where(o => o.Outcome.Refetched).Select(o => o.Url).ToList();
            return new NetworkReport(outcomes.Count - notScanned.Count, refetched, notScanned, [.. _failed]);
        }
    }

    private async Task<Outcome> RecordAsync(string method, string url, Func<Task<RecordedResponse?>> read)
    {
        try
        {
            var response = await read();
            if (response is null)
            {
                return Outcome.NotScanned("finished without a response");
            }

            AppendHeaders(response.Headers);
            if (response.Status is >= 300 and < 400 && response.Headers.ContainsKey("location"))
            {
                // A redirect has no body to read; its headers (Location included) are scanned above.
                return Outcome.Scanned;
            }

            byte[] body;
            try
            {
                body = await response.ReadBody();
            }
            catch (Exception ex) when (BodyDropped(ex) && method == "GET")
            {
                var again = await refetch(url);
                AppendHeaders(again.Headers);
                append(Encoding.UTF8.GetString(again.Body));
                return again.Status == response.Status
                    ? Outcome.RefetchedAndScanned
                    : Outcome.NotScanned($"the browser dropped the body and fetching it again answered {again.Status}, not {response.Status}");
            }

            append(Encoding.UTF8.GetString(body));
            return Outcome.Scanned;
        }
        catch (Exception ex)
        {
            // Whatever kept the body from being read fails the scan (see Report): nothing finished goes unsearched.
            return Outcome.NotScanned($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void AppendHeaders(IReadOnlyDictionary<string, string> headers) =>
        append(string.Join('\n', headers.Select(h => $"{h.Key}: {h.Value}")));

    private static bool BodyDropped(Exception ex) =>
        ex is PlaywrightException && ex.Message.Contains(BodyDroppedMessage, StringComparison.Ordinal);

    private sealed record Outcome(string? NotScannedBecause, bool Refetched)
    {
        public static readonly Outcome Scanned = new(null, false);
        public static readonly Outcome RefetchedAndScanned = new(null, true);

        public static Outcome NotScanned(string reason) => new(reason, false);
    }
}
