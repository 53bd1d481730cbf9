using System.Collections.Concurrent;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>The reconciliation round of a partitioned scan, collection helpers and the scanner's log messages.</summary>
internal sealed partial class SnapshotScanner
{
    private sealed record Round(int Total, bool Moved, int Reread, int Calls);

    /// <summary>
    /// The one reconciliation round: the unfiltered totalCount again and, when it or a chain's own totalCount moved,
    /// every partition read again (a count per partition cannot tell "one deleted, one created" from "unchanged", so
    /// no cheaper probe is exact). Sessions are rarely created or deleted during one scan, so this is rarely paid.
    /// <see cref="Round.Moved"/> says whether anything changed since the scan began. Bounded: never more than one round.
    /// </summary>
    private async Task<Round> ReconcileAsync(
        string workspaceId, int totalAtStart, List<PartitionRead> partitions, ParallelOptions parallel,
        Func<PartitionRead, CancellationToken, ValueTask> read, CancellationToken cancellationToken)
    {
        var before = partitions.ToDictionary(p => p, p => (Ids: p.Sessions.Keys.ToHashSet(StringComparer.Ordinal), p.Consistent));
        var now = await client.ListSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 1 }, cancellationToken);
        if (now.TotalCount == totalAtStart && partitions.All(p => p.Consistent))
        {
            // Nothing seen moving: the partitions really miss sessions (the caller falls back to the sequential scan).
            return new Round(totalAtStart, Moved: false, 0, Calls: 1);
        }

        await Parallel.ForEachAsync(partitions, parallel, read);
        var changed = partitions.Count(p => !before[p].Consistent || !p.Consistent || !before[p].Ids.SetEquals(p.Sessions.Keys));
        var total = now.TotalCount ?? -1;
        return new Round(total, Moved: changed > 0 || total != totalAtStart, changed, Calls: 1);
    }

    private static bool InPartitions(SessionCluster s, HashSet<string> queues) =>
        s.QueueName is { } queue && queues.Contains(queue)
        && Kinds.Any(k => string.Equals(k, s.Kind, StringComparison.OrdinalIgnoreCase));

    private static void Collect(string workspaceId, List<SessionCluster>? clusters, List<SessionSummaryDto> into, Dictionary<string, int> index)
    {
        foreach (var cluster in clusters ?? [])
        {
            EnsureWorkspace(workspaceId, cluster);

            // An id the proxy would refuse in a URL can't be opened either; keep the list consistent with that.
            if (Ids.IsValid(cluster.SessionClusterId))
            {
                var summary = SessionMapper.ToSummary(cluster, workspaceId);
                if (index.TryGetValue(cluster.SessionClusterId!, out var at))
                {
                    into[at] = summary; // seen before: its position shifted under the reader; keep one, the fresher
                }
                else
                {
                    index[cluster.SessionClusterId!] = into.Count;
                    into.Add(summary);
                }
            }
        }
    }

    private static void EnsureWorkspace(string workspaceId, SessionCluster cluster)
    {
        if (cluster.WorkspaceId is { } other && !string.Equals(other, workspaceId, StringComparison.Ordinal))
        {
            throw new UpstreamMismatchException("ListSessionClusters answered for another workspace.");
        }
    }

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Partitioned scan of workspace {WorkspaceId}: {Partitions} (kind, queue) chains reconciled with totalCount {Total} in {Calls} calls")]
    private static partial void LogPartitioned(ILogger logger, string workspaceId, int partitions, int total, int calls);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Workspace {WorkspaceId} changed while it was scanned (totalCount {TotalAtStart} → {TotalNow}); every partition read again ({Reread} had changed) and reconciled")]
    private static partial void LogReconciled(ILogger logger, string workspaceId, int totalAtStart, int totalNow, int reread);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId} kept changing while it was scanned ({Held} sessions read, totalCount now {TotalNow}); served as read, the next refresh catches up")]
    private static partial void LogStillMoving(ILogger logger, string workspaceId, int held, int totalNow);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Partitioned scan of workspace {WorkspaceId} fell back to the sequential scan: {Reason} ({Calls} calls spent)")]
    private static partial void LogFallback(ILogger logger, string workspaceId, string reason, int calls);
}
