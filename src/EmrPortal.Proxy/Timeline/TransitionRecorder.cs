using System.Threading.Channels;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Snapshots;

namespace EmrPortal.Proxy.Timeline;

/// <summary>
/// Records every published snapshot into the portal database, off the request path: the refresh task only enqueues;
/// this one background loop diffs against the recorded state and writes transitions, in publication order. After
/// each recording the workspace's history (state-since, no-longer-listed sessions) is refreshed in memory.
/// </summary>
internal sealed partial class TransitionRecorder(
    SessionHistoryStore store,
    SessionHistoryCache cache,
    PortalDatabaseReady ready,
    ILogger<TransitionRecorder> logger) : BackgroundService, ISnapshotObserver
{
    private const int Capacity = 256;
    private readonly Channel<Snapshot> _queue = Channel.CreateBounded<Snapshot>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of blocking the refresh task
    });

    private readonly Lock _gate = new();
    private int _pending;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public void OnPublished(Snapshot snapshot)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        if (!_queue.Writer.TryWrite(snapshot))
        {
            // The database is far behind; the next snapshot diffs against what was recorded, so only intermediate
            // states of this interval are lost, never a session.
            LogDropped(logger, snapshot.WorkspaceId);
            Done();
        }
    }

    /// <summary>Completes when every snapshot published so far has been recorded (or failed to be).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ready.WhenReady.WaitAsync(stoppingToken);
        await foreach (var snapshot in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var result = await store.RecordAsync(
                    snapshot.WorkspaceId, snapshot.AsOf, snapshot.Sessions.Select(SessionHistoryMapping.ToObserved).ToList(), stoppingToken);
                cache.Set(result.History);
                if (result.Skipped)
                {
                    LogSkipped(logger, snapshot.WorkspaceId, snapshot.AsOf);
                }
                else
                {
                    LogRecorded(logger, snapshot.WorkspaceId, snapshot.AsOf, result.Transitions, result.NoLongerListed);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, snapshot.WorkspaceId, ex.GetType().Name);
            }
            finally
            {
                Done();
            }
        }
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.SetResult();
        }

        return tcs;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "Recorded workspace {WorkspaceId} as of {AsOf}: {Transitions} transitions, {NoLongerListed} sessions no longer listed")]
    private static partial void LogRecorded(ILogger logger, string workspaceId, DateTimeOffset asOf, int transitions, int noLongerListed);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "Workspace {WorkspaceId} as of {AsOf} was already recorded (or a newer snapshot was)")]
    private static partial void LogSkipped(ILogger logger, string workspaceId, DateTimeOffset asOf);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Recording workspace {WorkspaceId} failed ({ErrorType}); the next refresh diffs against what was recorded")]
    private static partial void LogFailed(ILogger logger, string workspaceId, string errorType);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Recorder queue full: snapshot of workspace {WorkspaceId} not recorded")]
    private static partial void LogDropped(ILogger logger, string workspaceId);
}
