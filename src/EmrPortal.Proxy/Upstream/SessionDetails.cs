using System.ComponentModel;
using System.Diagnostics;
using EmrPortal.Emr;
using EmrPortal.Proxy.Sessions;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>
/// Session detail from GetSessionCluster, allow-listed and cached briefly in this process only (it holds config
/// values that are redacted per view, so it never goes to the shared L2).
/// </summary>
internal sealed class SessionDetails(
    IEmrServerlessSparkClient client,
    HybridCache cache,
    UpstreamHealth health,
    IOptionsMonitor<SnapshotOptions> options,
    TimeProvider time)
{
    public async Task<DetailLookup> GetAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken)
    {
        var ttl = options.CurrentValue.DetailTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return await LoadAsync(workspaceId, sessionClusterId, cancellationToken);
        }

        return await cache.GetOrCreateAsync(
            Key(workspaceId, sessionClusterId),
            // HybridCache may run the factory outside the caller's execution context; carry the request's activity
            // so the upstream call stays in the same trace as the click that caused it.
            (client: this, workspaceId, sessionClusterId, parent: Activity.Current),
            static (state, ct) => new ValueTask<DetailLookup>(state.client.LoadAsync(state.workspaceId, state.sessionClusterId, ct, state.parent)),
            new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl, Flags = HybridCacheEntryFlags.DisableDistributedCache },
            cancellationToken: cancellationToken);
    }

    /// <summary>Forgets the cached detail (after the portal changed the session upstream).</summary>
    public ValueTask InvalidateAsync(string workspaceId, string sessionClusterId, CancellationToken cancellationToken) =>
        cache.RemoveAsync(Key(workspaceId, sessionClusterId), cancellationToken);

    private static string Key(string workspaceId, string sessionClusterId) => $"emrportal:session:v1:{workspaceId}:{sessionClusterId}";

    private async Task<DetailLookup> LoadAsync(
        string workspaceId, string sessionClusterId, CancellationToken cancellationToken, Activity? parent = null)
    {
        if (Activity.Current is null && parent is not null)
        {
            // Scoped to this async method: the assignment is undone when it returns.
            Activity.Current = parent;
        }

        try
        {
            var response = await client.GetSessionClusterAsync(workspaceId, sessionClusterId, cancellationToken);
            health.RecordSuccess();
            var cluster = response.SessionCluster;
            if (cluster is null)
            {
                return new DetailLookup(null, time.GetUtcNow());
            }

            if ((cluster.WorkspaceId is { } ws && !string.Equals(ws, workspaceId, StringComparison.Ordinal))
                || (cluster.SessionClusterId is { } id && !string.Equals(id, sessionClusterId, StringComparison.Ordinal)))
            {
                throw new UpstreamMismatchException("GetSessionCluster answered for another workspace or session.");
            }

            cluster.SessionClusterId ??= sessionClusterId;
            return new DetailLookup(SessionMapper.ToDetail(cluster, workspaceId), time.GetUtcNow());
        }
        catch (EmrApiException ex) when (ex.IsNotFound)
        {
            health.RecordSuccess();
            return new DetailLookup(null, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not UpstreamMismatchException)
        {
            health.RecordFailure(ex);
            throw;
        }
    }
}

/// <summary>A detail lookup (null when the session does not exist) and when it was read.</summary>
[ImmutableObject(true)]
internal sealed record DetailLookup(SessionDetailRecord? Detail, DateTimeOffset AsOf);
