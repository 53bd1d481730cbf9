using System.Collections.Concurrent;
using System.Diagnostics;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// Owns the per-workspace snapshots. Single-flight: at most one scan per workspace runs at a time and every caller
/// shares it. Stale-while-revalidate: past the fresh TTL the old snapshot is served (stale=true) while one background
/// refresh runs on the application's lifetime token, never on a caller's. Upstream failures keep the last good
/// snapshot (served stale); with none, callers get <see cref="SnapshotUnavailableException"/> (503 + Retry-After).
/// </summary>
internal sealed partial class SnapshotStore(
    IEmrServerlessSparkClient client,
    SnapshotL2 l2,
    UpstreamHealth health,
    IOptionsMonitor<SnapshotOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SnapshotStore> logger,
    IEnumerable<ISnapshotObserver>? observers = null)
{
    private readonly ISnapshotObserver[] _observers = observers?.ToArray() ?? [];
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SnapshotScanner _scanner = new(client, logger);

    public async Task<SnapshotResult> GetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(workspaceId, static id => new Entry(id));
        var now = time.GetUtcNow();
        entry.Touch(now);
        var o = options.CurrentValue;

        if (entry.Current is { } current)
        {
            var age = now - current.AsOf;
            var fresh = o.FreshTtlFor(current.UpstreamPages);
            if (age < fresh && !entry.IsInvalidated(current))
            {
                return Describe(entry, new SnapshotResult(current, false));
            }

            var refresh = StartRefresh(entry, now);
            if (age < fresh + o.StaleWhileRevalidate || refresh is null)
            {
                // Served while the refresh runs (revalidating), or during the failure backoff (no refresh: failed).
                return Describe(entry, new SnapshotResult(current, true) { Revalidating = refresh is not null });
            }

            // Too old to show without trying: wait for the refresh, fall back on the old data if it fails.
            try
            {
                var refreshed = await refresh.WaitAsync(cancellationToken);
                return Describe(entry, Judge(refreshed, time.GetUtcNow()));
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                return Describe(entry, new SnapshotResult(entry.Current ?? current, true));
            }
        }

        var first = StartRefresh(entry, now)
            ?? throw new SnapshotUnavailableException(workspaceId, RetryAfter(entry, now), entry.LastError);
        try
        {
            var snapshot = await first.WaitAsync(cancellationToken);
            return Describe(entry, Judge(snapshot, time.GetUtcNow()));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not SnapshotUnavailableException)
        {
            if (entry.Current is { } late)
            {
                return Describe(entry, new SnapshotResult(late, true));
            }

            throw new SnapshotUnavailableException(workspaceId, RetryAfter(entry, time.GetUtcNow()), ex);
        }
    }

    /// <summary>
    /// Like <see cref="GetAsync"/>, but null when the cloud refuses the portal's identity on this workspace: views that
    /// span workspaces leave it out instead of failing as a whole.
    /// </summary>
    public async Task<SnapshotResult?> GetUnlessDeniedAsync(string workspaceId, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(workspaceId, cancellationToken);
        }
        catch (Exception ex) when (Extensions.ProxyExceptionHandler.IsCloudPermissionDenied(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// The workspace changed upstream because of the portal (start/stop): the current snapshot is served as stale from
    /// now on and a refresh starts at once — or, if one is already running (it may have read the old state), right
    /// after it.
    /// </summary>
    public void Invalidate(string workspaceId)
    {
        if (!_entries.TryGetValue(workspaceId, out var entry))
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (entry.Gate)
        {
            entry.InvalidatedAt = now;
            if (entry.InFlight is not null)
            {
                entry.RefreshAgain = true;
                return;
            }
        }

        _ = StartRefresh(entry, now);
    }

    /// <summary>
    /// Starts the first scan of each workspace that has no snapshot (marking it watched, so it is kept fresh while
    /// someone looks) and waits for those scans up to <paramref name="budget"/>. Workspaces already loaded cost
    /// nothing; a failed scan is left for <see cref="Status"/> to report, never thrown.
    /// </summary>
    public async Task WarmAsync(IEnumerable<string> workspaceIds, TimeSpan budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var scans = new List<Task<Snapshot>>();
        foreach (var workspaceId in workspaceIds)
        {
            var entry = _entries.GetOrAdd(workspaceId, static id => new Entry(id));
            entry.Touch(now);
            if (entry.Current is null && StartRefresh(entry, now) is { } scan)
            {
                scans.Add(scan);
            }
        }

        if (scans.Count == 0 || budget <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.WhenAll(scans).WaitAsync(budget, time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || !cancellationToken.IsCancellationRequested)
        {
            // Past the budget, or a scan failed: the list reports each workspace's scan state instead.
        }
    }

    /// <summary>The current snapshot without triggering anything (e.g. counts on the workspace list).</summary>
    public Snapshot? Peek(string workspaceId) => _entries.TryGetValue(workspaceId, out var e) ? e.Current : null;

    /// <summary>
    /// The current snapshot if it is fresh (younger than its fresh TTL and not invalidated), else null; marks the
    /// workspace watched and starts a refresh when it is not fresh, without waiting for it.
    /// </summary>
    public Snapshot? PeekFresh(string workspaceId)
    {
        var entry = _entries.GetOrAdd(workspaceId, static id => new Entry(id));
        var now = time.GetUtcNow();
        entry.Touch(now);
        if (entry.Current is { } current
            && now - current.AsOf < options.CurrentValue.FreshTtlFor(current.UpstreamPages)
            && !entry.IsInvalidated(current))
        {
            return current;
        }

        _ = StartRefresh(entry, now);
        return null;
    }

    public ScanStatusDto Status(string workspaceId)
    {
        if (!_entries.TryGetValue(workspaceId, out var e))
        {
            return new ScanStatusDto(workspaceId, ScanStates.Idle, 0, null, null);
        }

        var current = e.Current;
        return new ScanStatusDto(workspaceId, e.State, e.Loaded, e.Total ?? current?.Count, current?.AsOf);
    }

    /// <summary>
    /// Starts refreshes of watched workspaces whose snapshot is about to go stale (called by the background
    /// refresher); drops snapshots nobody asked for in a long time. Returns how many refreshes were started.
    /// </summary>
    public int RefreshDue()
    {
        var now = time.GetUtcNow();
        var o = options.CurrentValue;
        var started = 0;
        foreach (var entry in _entries.Values)
        {
            var idle = now - entry.LastWatched;
            if (idle > o.EvictAfter)
            {
                if (entry.InFlight is null && _entries.TryRemove(new KeyValuePair<string, Entry>(entry.WorkspaceId, entry)))
                {
                    LogEvicted(logger, entry.WorkspaceId);
                }

                continue;
            }

            if (idle > o.WatchWindow || entry.Current is not { } current || entry.InFlight is not null)
            {
                continue;
            }

            // Refresh when 80% of the fresh TTL is used, so a watched workspace rarely shows stale data.
            var fresh = o.FreshTtlFor(current.UpstreamPages);
            if (now - current.AsOf >= fresh * 0.8 && StartRefresh(entry, now) is not null)
            {
                started++;
            }
        }

        return started;
    }

    private SnapshotResult Judge(Snapshot snapshot, DateTimeOffset now) =>
        new(snapshot, now - snapshot.AsOf >= options.CurrentValue.FreshTtlFor(snapshot.UpstreamPages));

    private TimeSpan RetryAfter(Entry entry, DateTimeOffset now)
    {
        var backoff = options.CurrentValue.FailureBackoff;
        var remaining = entry.LastFailure is { } f ? backoff - (now - f) : backoff;
        return remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1);
    }

    /// <summary>The running refresh, a new one, or null while the workspace is in failure backoff.</summary>
    private Task<Snapshot>? StartRefresh(Entry entry, DateTimeOffset now)
    {
        lock (entry.Gate)
        {
            if (entry.InFlight is { } running)
            {
                return running;
            }

            if (entry.LastFailure is { } failed && now - failed < options.CurrentValue.FailureBackoff)
            {
                return null;
            }

            entry.State = ScanStates.Scanning;
            entry.Loaded = 0;
            entry.Total = null;
            // Task.Run: the scan never runs inline under the lock, and never on a caller's token.
            var task = Task.Run(() => RefreshAsync(entry, lifetime.ApplicationStopping));
            entry.InFlight = task;
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return task;
        }
    }

    private async Task<Snapshot> RefreshAsync(Entry entry, CancellationToken stopping)
    {
        var workspaceId = entry.WorkspaceId;
        var o = options.CurrentValue;
        // Millisecond precision: the same asOf whether this snapshot is read here or by another instance from L2.
        var now = time.GetUtcNow();
        var startedAt = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond));
        var stopwatch = time.GetTimestamp();
        try
        {
            // Another proxy instance may have scanned recently: adopt its snapshot instead of scanning again.
            if (await l2.TryGetAsync(workspaceId, stopping) is { } shared
                && (entry.Current is null || shared.AsOf > entry.Current.AsOf)
                && startedAt - shared.AsOf < o.FreshTtlFor(shared.UpstreamPages))
            {
                Publish(entry, shared);
                Notify(shared);
                LogAdoptedShared(logger, workspaceId, shared.Count, shared.AsOf);
                return shared;
            }

            // Plain nextToken chain, or (large workspaces) parallel (kind × queue) chains reconciled with totalCount.
            using var activity = ProxyTelemetry.ActivitySource.StartActivity(ProxyTelemetry.ScanSpanName);
            activity?.SetTag(ProxyTelemetry.WorkspaceTag, workspaceId);
            var scan = await _scanner.ScanAsync(workspaceId, o, (loaded, total) =>
            {
                entry.Loaded = loaded;
                entry.Total = total;
            }, stopping);

            health.RecordSuccess();
            var snapshot = Snapshot.Build(workspaceId, scan.Sessions, startedAt, scan.Pages, time.GetElapsedTime(stopwatch));
            Publish(entry, snapshot);
            Notify(snapshot);
            LogScanned(logger, workspaceId, snapshot.Count, scan.Pages, (long)snapshot.ScanDuration.TotalMilliseconds);
            await l2.SetAsync(snapshot, stopping);
            return snapshot;
        }
        catch (Exception ex)
        {
            health.RecordFailure(ex);
            lock (entry.Gate)
            {
                entry.LastFailure = time.GetUtcNow();
                entry.FailingSince ??= entry.LastFailure;
                entry.LastError = ex;
                entry.State = ScanStates.Failed;
                if (Extensions.ProxyExceptionHandler.IsCloudPermissionDenied(ex))
                {
                    // The cloud no longer lets the portal read this workspace: stop serving what it read before.
                    entry.Current = null;
                }
            }

            LogScanFailed(logger, workspaceId, ex.GetType().Name, (ex as EmrApiException)?.Code, (ex as EmrApiException)?.RequestId);
            if (!stopping.IsCancellationRequested)
            {
                NotifyFailed(workspaceId, ex);
            }

            throw;
        }
        finally
        {
            bool again;
            lock (entry.Gate)
            {
                entry.InFlight = null;
                again = entry.RefreshAgain;
                entry.RefreshAgain = false;
            }

            if (again && !stopping.IsCancellationRequested)
            {
                // Fire and forget: the follow-up refresh is tracked like any other (InFlight, failures observed).
                _ = StartRefresh(entry, time.GetUtcNow());
            }
        }
    }
}
