using System.ComponentModel;
using EmrPortal.Contracts;
using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>The account's workspaces (ListWorkspaces, every page), cached; the last good list is kept for upstream outages.</summary>
internal sealed partial class WorkspaceCatalog(
    IEmrServerlessSparkClient client,
    HybridCache cache,
    UpstreamHealth health,
    IOptionsMonitor<SnapshotOptions> options,
    ILogger<WorkspaceCatalog> logger)
{
    private const string CacheKey = "emrportal:workspaces:v1";
    private const int MaxPages = 100;
    private volatile WorkspaceList? _lastGood;

    // Asked on every workspace route (the gate): the loader delegate and the entry options are made once per TTL
    // setting, not per request.
    private Func<CancellationToken, ValueTask<WorkspaceList>>? _load;
    private volatile HybridCacheEntryOptions? _entryOptions;

    public async Task<IReadOnlyList<WorkspaceDto>> GetAsync(CancellationToken cancellationToken)
    {
        var ttl = options.CurrentValue.WorkspaceListTtl;
        var entryOptions = _entryOptions;
        if (entryOptions is null || entryOptions.Expiration != ttl)
        {
            _entryOptions = entryOptions = new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl };
        }

        try
        {
            var list = await cache.GetOrCreateAsync(
                CacheKey,
                _load ??= LoadAsync,
                entryOptions,
                cancellationToken: cancellationToken);
            _lastGood = list;
            return list.Items;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _lastGood is { } stale)
        {
            LogServingStale(logger, ex.GetType().Name);
            return stale.Items;
        }
    }

    public async Task<WorkspaceDto?> FindAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var list = await GetAsync(cancellationToken);
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i].WorkspaceId, workspaceId, StringComparison.Ordinal))
            {
                return list[i];
            }
        }

        return null;
    }

    private async ValueTask<WorkspaceList> LoadAsync(CancellationToken cancellationToken)
    {
        var items = new List<WorkspaceDto>();
        string? next = null;
        try
        {
            for (var page = 0; page < MaxPages; page++)
            {
                var response = await client.ListWorkspacesAsync(new ListWorkspacesRequest { NextToken = next, MaxResults = 100 }, cancellationToken);
                foreach (var w in response.Workspaces ?? [])
                {
                    if (!Ids.IsValid(w.WorkspaceId))
                    {
                        continue;
                    }

                    items.Add(new WorkspaceDto(
                        w.WorkspaceId!, w.WorkspaceName ?? w.WorkspaceId!, w.WorkspaceStatus, w.RegionId, w.ResourceSpec,
                        w.PaymentType, w.CreateTime, SessionCountsByState: null, SessionCount: null));
                }

                if (string.IsNullOrEmpty(response.NextToken) || response.NextToken == next)
                {
                    break;
                }

                next = response.NextToken;
            }
        }
        catch (Exception ex)
        {
            health.RecordFailure(ex);
            throw;
        }

        health.RecordSuccess();
        return new WorkspaceList(items.DistinctBy(w => w.WorkspaceId, StringComparer.Ordinal).ToArray());
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "ListWorkspaces failed ({ErrorType}); serving the last known workspace list")]
    private static partial void LogServingStale(ILogger logger, string errorType);
}

/// <summary>The cached workspace list (immutable, so HybridCache hands out the same instance).</summary>
[ImmutableObject(true)]
internal sealed record WorkspaceList(WorkspaceDto[] Items);
