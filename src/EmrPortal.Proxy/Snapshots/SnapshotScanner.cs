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

        var pass = await SequentialAsync(workspaceId, first, o, progress, cancellationToken);
        pages += pass.Pages;
        if (pass.Moved)
        {
            // Sessions came or went while the nextToken chain was read: offsets shifted, so a session may have been
            // skipped. One more pass (never more): if the list held still this time it is exact; if not, the union of
            // both passes loses nothing that existed throughout (a deleted one lingers until the next refresh).
            var again = await client.ListSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize }, cancellationToken);
            var second = await SequentialAsync(workspaceId, again, o, progress, cancellationToken);
            pages += 1 + second.Pages;
            if (second.Moved)
            {
                var ids = second.Sessions.Select(x => x.SessionClusterId).ToHashSet(StringComparer.Ordinal);
                second.Sessions.AddRange(pass.Sessions.Where(x => !ids.Contains(x.SessionClusterId)));
                LogStillMoving(logger, workspaceId, second.Sessions.Count, again.TotalCount ?? -1);
            }
            else
            {
                LogReconciled(logger, workspaceId, first.TotalCount ?? -1, again.TotalCount ?? -1, 0);
            }

            return new ScanResult(second.Sessions, pages, 0);
        }

        var all = pass.Sessions;
        return new ScanResult(all, pages, 0);
    }

    private sealed record Pass(List<SessionSummaryDto> Sessions, bool Moved, int Pages);

    /// <summary>
    /// The plain nextToken chain from an already read first page. Each id once (a session pushed back by a new one
    /// arrives twice: the later copy wins); <see cref="Pass.Moved"/> when the pages disagree on totalCount.
    /// </summary>
    private async Task<Pass> SequentialAsync(
        string workspaceId, ListSessionClustersResponse first, SnapshotOptions o, Action<int, int?> progress, CancellationToken cancellationToken)
    {
        var all = new List<SessionSummaryDto>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var moved = false;
        var pages = 0;
        Collect(workspaceId, first.SessionClusters, all, index);
        progress(all.Count, first.TotalCount);
        if (!string.IsNullOrEmpty(first.NextToken))
        {
            var request = new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize, NextToken = first.NextToken };
            await foreach (var page in client.ListSessionClusterPagesAsync(request, cancellationToken))
            {
                pages++;
                moved |= page.TotalCount != first.TotalCount;
                Collect(workspaceId, page.SessionClusters, all, index);
                if (all.Count > o.MaxSessionsPerWorkspace)
                {
                    throw new InvalidOperationException($"Workspace {workspaceId} has more than {o.MaxSessionsPerWorkspace} sessions.");
                }

                progress(all.Count, page.TotalCount);
            }
        }

        return new Pass(all, moved, pages);
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

    /// <summary>One (kind, queue) chain as read: its sessions by id, and whether its totalCount moved while it was read.</summary>
    private sealed class PartitionRead(string kind, string queue)
    {
        public string Kind { get; } = kind;
        public string Queue { get; } = queue;
        public Dictionary<string, SessionCluster> Sessions { get; } = new(StringComparer.Ordinal);
        public int WithoutId { get; set; }
        public int? FirstTotal { get; set; }
        public bool Moved { get; set; }

        public int Count => Sessions.Count + WithoutId;

        /// <summary>Its pages agreed on one totalCount and it read exactly that many sessions.</summary>
        public bool Consistent => !Moved && FirstTotal == Count;
    }

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
        var partitions = Kinds.SelectMany(kind => queues.Select(queue => new PartitionRead(kind, queue)))
            .OrderByDescending(p => sample.Count(s => string.Equals(s.Kind, p.Kind, StringComparison.OrdinalIgnoreCase)
                                                      && string.Equals(s.QueueName, p.Queue, StringComparison.Ordinal)))
            .ToList();

        var outside = 0;
        var pages = 0;
        var found = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.PartitionedScanMaxParallel, CancellationToken = cancellationToken };

        // Reads one chain into p (replacing what it held); stops early once reconciliation can no longer succeed.
        async ValueTask ReadAsync(PartitionRead p, CancellationToken ct)
        {
            p.Sessions.Clear();
            p.WithoutId = 0;
            p.FirstTotal = null;
            p.Moved = false;
            var request = new ListSessionClustersRequest(workspaceId) { MaxResults = o.ScanPageSize, Kind = p.Kind, QueueName = p.Queue };
            await foreach (var page in client.ListSessionClusterPagesAsync(request, ct))
            {
                Interlocked.Increment(ref pages);
                if (p.FirstTotal is null)
                {
                    p.FirstTotal = page.TotalCount;
                }
                else if (page.TotalCount != p.FirstTotal)
                {
                    p.Moved = true; // sessions of this partition came or went while it was read
                }

                foreach (var cluster in page.SessionClusters ?? [])
                {
                    EnsureWorkspace(workspaceId, cluster);
                    if (!string.Equals(cluster.Kind, p.Kind, StringComparison.OrdinalIgnoreCase) || !string.Equals(cluster.QueueName, p.Queue, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref outside);
                    }

                    if (cluster.SessionClusterId is not { } id)
                    {
                        p.WithoutId++;
                    }
                    else if (p.Sessions.TryAdd(id, cluster))
                    {
                        Interlocked.Increment(ref found);
                    }
                }

                if (Volatile.Read(ref outside) > 0 || Volatile.Read(ref found) > o.MaxSessionsPerWorkspace)
                {
                    // Reconciliation will fail anyway: stop spending calls on this chain.
                    return;
                }

                progress(Math.Min(Volatile.Read(ref found), total), total);
            }
        }

        try
        {
            await Parallel.ForEachAsync(partitions, parallel, ReadAsync);
            if (outside > 0)
            {
                return new Attempt(null, pages, partitions.Count, "a partition answered a session of another kind or queue");
            }

            var distinct = partitions.Sum(p => p.Count);
            if (distinct != total || partitions.Any(p => !p.Consistent))
            {
                // Either sessions outside the partitions, or the workspace changed while it was read (totalCount is a
                // snapshot of a moving list). One reconciliation round tells them apart, and then the scan ends either way.
                var round = await ReconcileAsync(workspaceId, total, partitions, parallel, ReadAsync, cancellationToken);
                pages += round.Calls;
                distinct = partitions.Sum(p => p.Count);
                if (outside > 0)
                {
                    return new Attempt(null, pages, partitions.Count, "a partition answered a session of another kind or queue");
                }

                if (distinct != round.Total && !round.Moved)
                {
                    return new Attempt(null, pages, partitions.Count, $"the partitions hold {distinct} sessions, the unfiltered totalCount is {round.Total}");
                }

                if (distinct != round.Total)
                {
                    LogStillMoving(logger, workspaceId, distinct, round.Total);
                }
                else if (round.Moved)
                {
                    LogReconciled(logger, workspaceId, total, round.Total, round.Reread);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not UpstreamMismatchException)
        {
            return new Attempt(null, pages, partitions.Count, $"a partition chain failed ({ex.GetType().Name})");
        }

        // Each id once (a session read by two partitions moved between them while they were read).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sessions = new List<SessionSummaryDto>(Math.Min(found, o.MaxSessionsPerWorkspace));
        foreach (var p in partitions)
        {
            foreach (var (id, cluster) in p.Sessions)
            {
                if (seen.Add(id) && Ids.IsValid(id))
                {
                    sessions.Add(SessionMapper.ToSummary(cluster, workspaceId));
                }
            }
        }

        return new Attempt(sessions, pages, partitions.Count, null);
    }
}
