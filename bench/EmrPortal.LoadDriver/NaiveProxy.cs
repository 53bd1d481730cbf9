using EmrPortal.Emr;
using EmrPortal.Emr.Models;

namespace EmrPortal.LoadDriver;

/// <summary>
/// The baseline strategy the proxy's snapshot replaces: for every page request, read every upstream page of the
/// workspace (following nextToken with the largest maxResults), then filter, sort and slice in memory.
/// Same client, same signing, same emulator as the proxy.
/// </summary>
internal sealed class NaiveProxy(IEmrServerlessSparkClient client, string workspaceId)
{
    public async Task<(List<SessionCluster> Items, int Total)> PageAsync(View view, CancellationToken cancellationToken)
    {
        var all = new List<SessionCluster>();
        await foreach (var session in client.ListAllSessionClustersAsync(new ListSessionClustersRequest(workspaceId) { MaxResults = 100 }, cancellationToken))
        {
            all.Add(session);
        }

        var matching = all.Where(s => Matches(s, view)).ToList();
        var ordered = Order(matching, view);
        return ([.. ordered.Skip((view.Page - 1) * view.PageSize).Take(view.PageSize)], matching.Count);
    }

    private static IOrderedEnumerable<SessionCluster> Order(List<SessionCluster> sessions, View view)
    {
        IOrderedEnumerable<SessionCluster> ordered = view.Sort switch
        {
            "gmtCreate" => By(sessions, s => s.GmtCreate, view.Descending),
            "startTime" => By(sessions, s => s.StartTime, view.Descending),
            _ => view.Descending
                ? sessions.OrderByDescending(s => Text(s, view.Sort), StringComparer.OrdinalIgnoreCase)
                : sessions.OrderBy(s => Text(s, view.Sort), StringComparer.OrdinalIgnoreCase),
        };
        return ordered.ThenBy(s => s.SessionClusterId, StringComparer.Ordinal);
    }

    private static IOrderedEnumerable<SessionCluster> By(List<SessionCluster> sessions, Func<SessionCluster, DateTimeOffset?> key, bool descending) =>
        descending ? sessions.OrderByDescending(key) : sessions.OrderBy(key);

    private static string? Text(SessionCluster s, string sort) => sort switch
    {
        "name" => s.Name,
        "state" => s.State,
        "kind" => s.Kind,
        "queueName" => s.QueueName,
        "userName" => s.UserName,
        _ => s.ReleaseVersion,
    };

    private static bool Matches(SessionCluster s, View v) =>
        (v.State is null || string.Equals(s.State, v.State, StringComparison.OrdinalIgnoreCase))
        && (v.Kind is null || string.Equals(s.Kind, v.Kind, StringComparison.OrdinalIgnoreCase))
        && (v.Queue is null || Contains(s.QueueName, v.Queue))
        && (v.Owner is null || Contains(s.UserName, v.Owner) || Contains(s.UserId, v.Owner))
        && (v.Q is null || Contains(s.SessionClusterId, v.Q) || Contains(s.Name, v.Q) || Contains(s.UserName, v.Q)
            || Contains(s.UserId, v.Q) || Contains(s.QueueName, v.Q));

    private static bool Contains(string? field, string text) => field is not null && field.Contains(text, StringComparison.OrdinalIgnoreCase);
}
