using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Timeline;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>What a lookup of one session id came to.</summary>
internal enum SessionLookupStatus
{
    /// <summary>Upstream answered (the detail may still be null: the session does not exist).</summary>
    Looked,

    /// <summary>A fresh snapshot does not hold the id: 404 without asking upstream.</summary>
    NotInSnapshot,

    /// <summary>The caller used up their budget of upstream lookups for ids no snapshot holds.</summary>
    Limited,
}

internal readonly record struct SessionLookupResult(SessionLookupStatus Status, DetailLookup? Lookup, TimeSpan RetryAfter)
{
    public SessionDetailRecord? Detail => Lookup?.Detail;
}

/// <summary>
/// The one way request handlers read a single session (detail, reveal, start, stop), so ids that do not exist cost
/// the shared cloud budget nothing: a fresh snapshot holds every session of the workspace, so an id missing from it
/// (and from the recorded history) is answered 404 on the spot. Only when the snapshot is stale or still loading does
/// an unknown id go upstream, and then at most <see cref="FairShareOptions.UnknownLookupsPerSecond"/> per user;
/// identical lookups share one call and a "does not exist" answer is cached like any detail
/// (<see cref="SessionDetails"/>), and every upstream call is charged to the user's fair share.
/// </summary>
internal sealed class SessionLookup(
    SnapshotStore store,
    SessionDetails details,
    SessionHistoryCache history,
    UnknownSessionBudget budget,
    IOptionsMonitor<FairShareOptions> options,
    TimeProvider time)
{
    private const int MaxRememberedMissing = 10_000;
    private readonly ConcurrentDictionary<(string WorkspaceId, string SessionClusterId), DateTimeOffset> _missing = new();

    public async Task<SessionLookupResult> GetAsync(Caller caller, string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fresh = store.PeekFresh(workspaceId);
        var known = (fresh ?? store.Peek(workspaceId))?.Find(sessionClusterId) is not null || IsRecordedGone(workspaceId, sessionClusterId, fresh);
        if (!known)
        {
            if (fresh is not null || IsRememberedMissing(workspaceId, sessionClusterId, now))
            {
                return new SessionLookupResult(SessionLookupStatus.NotInSnapshot, null, TimeSpan.Zero);
            }

            if (!budget.TryTake(caller.UserId, out var retryAfter))
            {
                return new SessionLookupResult(SessionLookupStatus.Limited, null, retryAfter);
            }
        }

        DetailLookup lookup;
        using (UpstreamCaller.Begin(caller.UserId))
        {
            lookup = await details.GetAsync(workspaceId, sessionClusterId, cancellationToken);
        }

        if (lookup.Detail is null && !known)
        {
            Remember(workspaceId, sessionClusterId, now);
        }

        return new SessionLookupResult(SessionLookupStatus.Looked, lookup, TimeSpan.Zero);
    }

    private bool IsRememberedMissing(string workspaceId, string sessionClusterId, DateTimeOffset now)
    {
        if (!_missing.TryGetValue((workspaceId, sessionClusterId), out var until))
        {
            return false;
        }

        if (now < until)
        {
            return true;
        }

        _missing.TryRemove((workspaceId, sessionClusterId), out _);
        return false;
    }

    /// <summary>Upstream said "no such session": say so again without asking for a while (bounded memory).</summary>
    private void Remember(string workspaceId, string sessionClusterId, DateTimeOffset now)
    {
        if (_missing.Count >= MaxRememberedMissing)
        {
            foreach (var (key, until) in _missing)
            {
                if (until <= now)
                {
                    _missing.TryRemove(key, out _);
                }
            }

            if (_missing.Count >= MaxRememberedMissing)
            {
                _missing.Clear();
            }
        }

        _missing[(workspaceId, sessionClusterId)] = now + options.CurrentValue.NotFoundTtl;
    }

    /// <summary>Sessions the timeline recorded and that left the list since are still looked up (their detail page shows history).</summary>
    private bool IsRecordedGone(string workspaceId, string sessionClusterId, Snapshot? current) =>
        current is not null && history.Get(workspaceId) is { } h && h.Gone(current).Find(sessionClusterId) is not null;
}

/// <summary>Per-user token buckets for upstream lookups of ids no snapshot holds.</summary>
internal sealed class UnknownSessionBudget(IOptionsMonitor<FairShareOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string userId, out TimeSpan retryAfter)
    {
        var bucket = _buckets.GetOrAdd(userId, _ => Create());
        using var lease = bucket.AttemptAcquire();
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    private TokenBucketRateLimiter Create()
    {
        var o = options.CurrentValue;
        var period = TimeSpan.FromSeconds(1 / o.UnknownLookupsPerSecond);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.UnknownLookupBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}
