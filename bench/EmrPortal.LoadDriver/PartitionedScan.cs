using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using EmrPortal.Bench;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;

namespace EmrPortal.LoadDriver;

/// <summary>
/// A prototype of the partitioned scan the issue asks the proxy for, run by the driver against the same emulator so
/// the report can say what it would buy: nextToken chains are sequential, but ListSessionClusters filters by
/// <c>kind</c> and <c>queueName</c>, so kinds × queues (from ListWorkspaceQueues) can be read in parallel, then
/// reconciled against the unfiltered <c>totalCount</c> (any mismatch → plain scan, so nothing is ever missed),
/// optionally bounded by a token bucket like the proxy's outbound quota. This is evidence, not the proxy's code.
/// </summary>
internal sealed class PartitionedScan(IEmrServerlessSparkClient client, string workspaceId)
{
    private static readonly string[] Kinds = ["SQL", "NOTEBOOK", "THRIFT"];
    private long _calls;

    public async Task<(HashSet<string> Ids, double Ms, long Calls)> PlainAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long calls = 0;
        await foreach (var page in client.ListSessionClusterPagesAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 100 }, cancellationToken))
        {
            calls++;
            foreach (var s in page.SessionClusters ?? [])
            {
                ids.Add(s.SessionClusterId!);
            }
        }

        return (ids, clock.Elapsed.TotalMilliseconds, calls);
    }

    public async Task<PartitionedScanResult> RunAsync(string variant, int maxParallel, RateLimiter? bucket, HashSet<string> plainIds, double plainMs, CancellationToken cancellationToken)
    {
        _calls = 0;
        var clock = Stopwatch.StartNew();
        var queuesTask = Call(bucket, () => client.ListWorkspaceQueuesAsync(workspaceId, cancellationToken: cancellationToken), cancellationToken);
        var totalTask = Call(bucket, () => client.ListSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 1 }, cancellationToken), cancellationToken);
        var queues = (await queuesTask).Queues?.Select(q => q.QueueName).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        var total = (await totalTask).TotalCount;

        var partitions = Kinds.SelectMany(kind => queues.Select(queue => (Kind: kind, Queue: queue))).ToList();
        var sessions = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var duplicates = 0;
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken }, async (p, ct) =>
        {
            string? next = null;
            do
            {
                var request = new ListSessionClustersRequest(workspaceId) { MaxResults = 100, Kind = p.Kind, QueueName = p.Queue, NextToken = next };
                var page = await Call(bucket, () => client.ListSessionClustersAsync(request, ct), ct);
                foreach (var s in page.SessionClusters ?? [])
                {
                    if (!sessions.TryAdd(s.SessionClusterId!, 0))
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                }

                next = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (next is not null);
        });

        var reconciled = total is { } t && sessions.Count == t && duplicates == 0;
        var ids = reconciled ? sessions.Keys.ToHashSet(StringComparer.Ordinal) : (await PlainAsync(cancellationToken)).Ids;
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return new PartitionedScanResult(variant, partitions.Count, maxParallel, Interlocked.Read(ref _calls), elapsed, plainMs, reconciled && ids.SetEquals(plainIds), ids.Count);
    }

    private async Task<T> Call<T>(RateLimiter? bucket, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        if (bucket is not null)
        {
            using var lease = await bucket.AcquireAsync(1, cancellationToken);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException("Quota bucket refused a call.");
            }
        }

        Interlocked.Increment(ref _calls);
        return await call();
    }

    /// <summary>The proxy's default outbound quota (UpstreamQuota: 20 permits/s, burst 40).</summary>
    public static TokenBucketRateLimiter ProxyDefaultBucket() => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 40,
        TokensPerPeriod = 2,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = 100_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}
