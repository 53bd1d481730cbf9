using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Insights;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Apis;

/// <summary>Sessions across every workspace the caller may see (same query as one workspace's list).</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/sessions")
            .WithTags("Sessions")
            .RequireRateLimiting(Extensions.RateLimitingExtensions.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .MapGet("/", ListAllSessions)
            .WithName("ListAllSessions")
            .WithSummary("One page of sessions merged across every visible workspace, sorted globally.");
        return app;
    }

    internal static async Task<Results<Ok<SessionPageDto>, ValidationProblem>> ListAllSessions(
        [AsParameters] SessionListQuery query,
        ClaimsPrincipal user,
        AccessPolicy policy,
        WorkspaceCatalog catalog,
        SnapshotStore store,
        SessionListing listing,
        CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var view, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = Caller.From(user);
        view = listing.Resolve(view, caller);
        var visible = (await catalog.GetAsync(cancellationToken)).Where(w => policy.CanSee(caller, w.WorkspaceId)).Select(w => w.WorkspaceId);
        var results = await Task.WhenAll(visible.Select(ws => store.GetAsync(ws, cancellationToken)));
        var (items, total) = Merge(results.SelectMany(r => listing.Sources(r.Snapshot, view.Listed)).ToArray(), view);
        DateTimeOffset? asOf = results.Length == 0 ? null : results.Min(r => r.Snapshot.AsOf);
        var marked = await listing.MarkAsync(caller, items, cancellationToken);
        return TypedResults.Ok(new SessionPageDto(marked, total, view.Page, view.PageSize, asOf, results.Any(r => r.Stale)));
    }

    /// <summary>
    /// A k-way merge of the workspaces' precomputed (and filtered) orders: the same total order as one workspace,
    /// with workspaceId as the last tie-break. Costs one filter pass per workspace plus O((offset + pageSize) log k).
    /// </summary>
    internal static (List<SessionSummaryDto> Items, int Total) Merge(IReadOnlyList<Snapshot> snapshots, SessionView view)
    {
        var orders = snapshots.Select(s => s.Matching(view.Sort, view.Descending, view.Filter)).ToArray();
        var total = orders.Sum(o => o.Length);
        var offset = (long)(view.Page - 1) * view.PageSize;
        var items = new List<SessionSummaryDto>(view.PageSize);
        if (offset >= total)
        {
            return (items, total);
        }

        var comparer = Comparer<SessionSummaryDto>.Create((a, b) => SessionSort.Compare(a, b, view.Sort, view.Descending));
        var heads = new PriorityQueue<(int Source, int Position), SessionSummaryDto>(snapshots.Count, comparer);
        for (var i = 0; i < orders.Length; i++)
        {
            if (orders[i].Length > 0) heads.Enqueue((i, 0), snapshots[i][orders[i].Span[0]]);
        }

        long taken = 0;
        while (items.Count < view.PageSize && heads.TryDequeue(out var head, out var session))
        {
            if (taken++ >= offset) items.Add(session);
            var next = head.Position + 1;
            if (next < orders[head.Source].Length)
            {
                heads.Enqueue((head.Source, next), snapshots[head.Source][orders[head.Source].Span[next]]);
            }
        }

        return (items, total);
    }
}
