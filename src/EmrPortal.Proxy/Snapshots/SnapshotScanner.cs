using System.Collections.Concurrent;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Upstream;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>Every session of a workspace as one scan read it, and what the scan cost upstream.</summary>
/// <param name="Pages">ListSessionClusters pages read (partition chains and any fallback included; failed attempts not).</param>
/// <param name="Partitions">Partitions read in parallel, or 0 for a sequential scan.</param>
internal sealed record ScanResult(List<SessionSummaryDto> Sessions, int Pages, int Partitions);

/// <summary>
/// Reads every session of a workspace. A <c>nextToken</c> chain is sequential (pages × latency), but ListSessionClusters
/// filters by <c>kind</c> and <c>queueName</c>, so a large workspace is read as one chain per (kind × queue from
/// ListWorkspaceQueues), in parallel, bounded by <see cref="SnapshotOptions.PartitionedScanMaxParallel"/> and by the
/// outbound quota bucket every call passes through. The union is only trusted when it reconciles exactly with the
/// unfiltered <c>totalCount</c>; on any doubt (count differs, a chain fails, a session outside the partitions, the
/// queue list paged or empty) the plain sequential scan runs instead, so no session is ever missed.
/// </summary>
internal sealed partial class SnapshotScanner(IEmrServerlessSparkClient client, ILogger logger)
{
    /// <summary>The documented values of <c>kind</c>; a session of any other kind fails reconciliation (→ plain scan).</summary>
    internal static readonly IReadOnlyList<string> Kinds = ["SQL", "NOTEBOOK", "THRIFT"];

    /// <summary>After a fallback, this many scans of that workspace go straight to the plain scan (an upstream whose
    /// totalCount is approximate would otherwise pay for the partitions and the plain scan every time).</summary>
    internal const int PlainScansAfterFallback = 4;

    private readonly ConcurrentDictionary<string, int> _plainScansLeft = new(StringComparer.Ordinal);

    public async Task<ScanResult> ScanAsync(string workspaceId, SnapshotOptions o, Action<int, int?> progress, CancellationToken cancellationToken)
    {
        // The first unfiltered page: the sequential scan's first page and, with its totalCount, the reconciliation target.
        var first = await client.ListSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize }, cancellationToken);
        var pages = 1;
        if (o.PartitionedScan
            && !string.IsNullOrEmpty(first.NextToken)
            && first.TotalCount is { } total
            && total > (long)o.ScanPageSize * o.PartitionedScanMinPages
            && !SkipAfterFallback(workspaceId))
        {
            progress(0, total);
            var attempt = await TryPartitionedAsync(workspaceId, first, total, o, progress, cancellationToken);
            pages += attempt.Pages;
            if (attempt.Sessions is { } sessions)
            {
                _plainScansLeft.TryRemove(workspaceId, out _);
                LogPartitioned(logger, workspaceId, attempt.Partitions, total, pages);
                return new ScanResult(sessions, pages, attempt.Partitions);
            }

            _plainScansLeft[workspaceId] = PlainScansAfterFallback;
            LogFallback(logger, workspaceId, attempt.FallbackReason ?? "unknown", attempt.Pages);
        }

        var all = new List<SessionSummaryDto>();
        Collect(workspaceId, first.SessionClusters, all);
        progress(all.Count, first.TotalCount);
        if (!string.IsNullOrEmpty(first.NextToken))
        {
            var request = new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize, NextToken = first.NextToken };
            await foreach (var page in client.ListSessionClusterPagesAsync(request, cancellationToken))
            {
                pages++;
                Collect(workspaceId, page.SessionClusters, all);
                if (all.Count > o.MaxSessionsPerWorkspace)
                {
                    throw new InvalidOperationException($"Workspace {workspaceId} has more than {o.MaxSessionsPerWorkspace} sessions.");
                }

                progress(all.Count, page.TotalCount);
            }
        }

        return new ScanResult(all, pages, 0);
    }

    private bool SkipAfterFallback(string workspaceId)
    {
        while (_plainScansLeft.TryGetValue(workspaceId, out var left))
        {
            if (left <= 0)
            {
                _plainScansLeft.TryRemove(new KeyValuePair<string, int>(workspaceId, left));
                return false;
            }

            if (_plainScansLeft.TryUpdate(workspaceId, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Attempt(List<SessionSummaryDto>? Sessions, int Pages, int Partitions, string? FallbackReason);

    private async Task<Attempt> TryPartitionedAsync(
        string workspaceId, ListSessionClustersResponse first, int total, SnapshotOptions o, Action<int, int?> progress, CancellationToken cancellationToken)
    {
        var queuesResponse = await client.ListWorkspaceQueuesAsync(workspaceId, cancellationToken: cancellationToken);
        if (!string.IsNullOrEmpty(queuesResponse.NextToken))
        {
            return new Attempt(null, 0, 0, "the queue list is paged");
        }

        var queues = (queuesResponse.Queues ?? []).Select(q => q.QueueName).OfType<string>().Where(q => q.Length > 0)
            .Distinct(StringComparer.Ordinal).ToList();
        if (queues.Count == 0)
        {
            return new Attempt(null, 0, 0, "no queues listed");
        }

        var queueSet = queues.ToHashSet(StringComparer.Ordinal);
        // The first page is a free sample: a session in it that no partition covers means the partitions can't add up.
        var sample = first.SessionClusters ?? [];
        if (sample.Any(s => !InPartitions(s, queueSet)))
        {
            return new Attempt(null, 0, 0, "a session of the first page is outside every (kind, queue) partition");
        }

        // Largest partitions (by the sample) first, so the longest chains are not the last to start.
        var partitions = Kinds.SelectMany(kind => queues.Select(queue => (Kind: kind, Queue: queue)))
            .OrderByDescending(p => sample.Count(s => string.Equals(s.Kind, p.Kind, StringComparison.OrdinalIgnoreCase)
                                                      && string.Equals(s.QueueName, p.Queue, StringComparison.Ordinal)))
            .ToList();

        var found = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        // In arrival order (= allocation order), not the dictionary's hash order: the snapshot's storage order is what
        // its filtered passes walk, and sequential memory is what makes that walk fast.
        var sessions = new List<SessionSummaryDto>(Math.Min(total, o.MaxSessionsPerWorkspace));
        var withoutId = 0;
        var outside = 0;
        var pages = 0;
        try
        {
            await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = o.PartitionedScanMaxParallel, CancellationToken = cancellationToken }, async (p, ct) =>
            {
                var request = new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize, Kind = p.Kind, QueueName = p.Queue };
                await foreach (var page in client.ListSessionClusterPagesAsync(request, ct))
                {
                    Interlocked.Increment(ref pages);
                    foreach (var cluster in page.SessionClusters ?? [])
                    {
                        EnsureWorkspace(workspaceId, cluster);
                        if (!string.Equals(cluster.Kind, p.Kind, StringComparison.OrdinalIgnoreCase) || !string.Equals(cluster.QueueName, p.Queue, StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref outside);
                        }

                        if (cluster.SessionClusterId is not { } id)
                        {
                            Interlocked.Increment(ref withoutId);
                            continue;
                        }

                        // Seen in two partitions (it moved while we read): one session; reconciliation decides.
                        if (found.TryAdd(id, 0) && Ids.IsValid(id))
                        {
                            var summary = SessionMapper.ToSummary(cluster, workspaceId);
                            lock (sessions) sessions.Add(summary);
                        }
                    }

                    if (Volatile.Read(ref outside) > 0 || found.Count > o.MaxSessionsPerWorkspace)
                    {
                        // Reconciliation will fail anyway: stop spending calls on this chain.
                        return;
                    }

                    progress(found.Count, total);
                }
            });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not UpstreamMismatchException)
        {
            return new Attempt(null, pages, partitions.Count, $"a partition chain failed ({ex.GetType().Name})");
        }

        if (outside > 0)
        {
            return new Attempt(null, pages, partitions.Count, "a partition answered a session of another kind or queue");
        }

        var distinct = found.Count + withoutId;
        if (distinct != total)
        {
            return new Attempt(null, pages, partitions.Count, $"the partitions hold {distinct} sessions, the unfiltered totalCount is {total}");
        }

        return new Attempt(sessions, pages, partitions.Count, null);
    }

    private static bool InPartitions(SessionCluster s, HashSet<string> queues) =>
        s.QueueName is { } queue && queues.Contains(queue)
        && Kinds.Any(k => string.Equals(k, s.Kind, StringComparison.OrdinalIgnoreCase));

    private static void Collect(string workspaceId, List<SessionCluster>? clusters, List<SessionSummaryDto> into)
    {
        foreach (var cluster in clusters ?? [])
        {
            EnsureWorkspace(workspaceId, cluster);

            // An id the proxy would refuse in a URL can't be opened either; keep the list consistent with that.
            if (Ids.IsValid(cluster.SessionClusterId))
            {
                into.Add(SessionMapper.ToSummary(cluster, workspaceId));
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

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Partitioned scan of workspace {WorkspaceId} fell back to the sequential scan: {Reason} ({Calls} calls spent)")]
    private static partial void LogFallback(ILogger logger, string workspaceId, string reason, int calls);
}
