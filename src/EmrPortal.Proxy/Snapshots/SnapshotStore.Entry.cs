using System.Collections.Concurrent;
using System.Diagnostics;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>Per-workspace entries (current snapshot, refresh in flight, scan progress) and the store's log messages.</summary>
internal sealed partial class SnapshotStore
{
    private static void Publish(Entry entry, Snapshot snapshot)
    {
        lock (entry.Gate)
        {
            entry.Current = snapshot;
            entry.LastFailure = null;
            entry.FailingSince = null;
            entry.LastError = null;
            entry.State = ScanStates.Ready;
            entry.Loaded = snapshot.Count;
            entry.Total = snapshot.Count;
        }
    }

    private sealed class Entry(string workspaceId)
    {
        private long _lastWatchedTicks;

        public string WorkspaceId { get; } = workspaceId;
        public object Gate { get; } = new();
        public volatile Snapshot? Current;
        public volatile Task<Snapshot>? InFlight;
        public DateTimeOffset? LastFailure;
        // The first failure of the current failing streak (cleared by the next good snapshot).
        public DateTimeOffset? FailingSince;
        public Exception? LastError;
        public volatile string State = ScanStates.Idle;
        public volatile int Loaded;
        public int? Total;
        public DateTimeOffset? InvalidatedAt;
        public bool RefreshAgain;

        /// <summary>True when <paramref name="snapshot"/> was scanned before the last invalidation.</summary>
        public bool IsInvalidated(Snapshot snapshot)
        {
            lock (Gate)
            {
                return InvalidatedAt is { } at && snapshot.AsOf < at.AddTicks(-(at.UtcTicks % TimeSpan.TicksPerMillisecond));
            }
        }

        public DateTimeOffset LastWatched => new(Interlocked.Read(ref _lastWatchedTicks), TimeSpan.Zero);

        public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastWatchedTicks, now.UtcTicks);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Scanned workspace {WorkspaceId}: {Count} sessions in {Pages} upstream pages, {ElapsedMs} ms")]
    private static partial void LogScanned(ILogger logger, string workspaceId, int count, int pages, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Scan of workspace {WorkspaceId} failed: {ErrorType} {Code} (RequestId {RequestId})")]
    private static partial void LogScanFailed(ILogger logger, string workspaceId, string errorType, string? code, string? requestId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Adopted the shared snapshot of workspace {WorkspaceId}: {Count} sessions as of {AsOf}")]
    private static partial void LogAdoptedShared(ILogger logger, string workspaceId, int count, DateTimeOffset asOf);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "A snapshot observer failed for workspace {WorkspaceId} ({ErrorType})")]
    private static partial void LogObserverFailed(ILogger logger, string workspaceId, string errorType);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Dropped the snapshot of unwatched workspace {WorkspaceId}")]
    private static partial void LogEvicted(ILogger logger, string workspaceId);
}
