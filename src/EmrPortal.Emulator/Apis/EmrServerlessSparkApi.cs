using System.Globalization;
using System.Text.Json;
using EmrPortal.Emulator.Data;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Gateway;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Emulator.Apis;

/// <summary>
/// The EMR Serverless Spark operations (API 2023-08-08) on their real ROA paths. The gateway has already
/// authenticated the call; these handlers validate parameters and answer with the cloud's shapes.
/// </summary>
internal static class EmrServerlessSparkApi
{
    private const int DefaultMaxResults = 20;
    private const int MaxMaxResults = 100;

    public static IEndpointRouteBuilder MapEmrServerlessSparkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/workspaces", ListWorkspaces).WithMetadata(new AcsOperation("ListWorkspaces"));
        api.MapGet("/workspaces/{workspaceId}/sessionClusters", ListSessionClusters).WithMetadata(new AcsOperation("ListSessionClusters"));
        api.MapGet("/workspaces/{workspaceId}/sessionClusters/{sessionClusterId}", GetSessionCluster).WithMetadata(new AcsOperation("GetSessionCluster"));
        api.MapPost("/workspaces/{workspaceId}/sessionClusters/action/startSessionCluster", StartSessionCluster).WithMetadata(new AcsOperation("StartSessionCluster"));
        api.MapPost("/workspaces/{workspaceId}/sessionClusters/action/stopSessionCluster", StopSessionCluster).WithMetadata(new AcsOperation("StopSessionCluster"));
        api.MapGet("/workspaces/{workspaceId}/queues", ListWorkspaceQueues).WithMetadata(new AcsOperation("ListWorkspaceQueues"));
        api.MapGet("/releaseVersions", ListReleaseVersions).WithMetadata(new AcsOperation("ListReleaseVersions"));
        return app;
    }

    internal static Results<Ok<ListSessionClustersDto>, AcsErrorResult> ListSessionClusters(
        string workspaceId, HttpContext http, EmulatorStore store, PageTokenCodec tokens, FaultState faults)
    {
        var query = new QueryReader(http.Request.Query);
        var requestId = RequestId(http);
        if (store.FindWorkspace(Unescape(workspaceId)) is not { } workspace)
        {
            return Fail(AcsErrors.WorkspaceNotFound(Unescape(workspaceId)));
        }

        if (query.Single("sessionClusterId", out var sessionClusterId) is { } e1) return Fail(e1);
        if (query.Single("queueName", out var queueName) is { } e2) return Fail(e2);
        if (query.Single("kind", out var kind) is { } e3) return Fail(e3);
        if (ReadPaging(query, out var maxResults, out var nextToken) is { } e4) return Fail(e4);

        // The churn fault: the workspace changes under a client that is paging through it.
        if (faults.TryTakeChurn(workspace.Id, out var churn))
        {
            store.Churn(workspace, churn.CreatePerCall, churn.DeletePerCall);
        }

        var filter = new SessionFilter(sessionClusterId, queueName, kind);
        var binding = PageTokenCodec.Binding("ListSessionClusters", workspace.Id, sessionClusterId, queueName, kind);
        var offset = 0;
        if (nextToken is not null && !tokens.TryRead(nextToken, binding, out offset))
        {
            return Fail(InvalidToken());
        }

        var (page, total) = store.ListSessions(workspace, filter, offset, maxResults);
        var next = offset + page.Count < total ? tokens.Issue(binding, offset + page.Count) : "";
        return TypedResults.Ok(new ListSessionClustersDto(requestId, page, next, maxResults, total));
    }

    internal static Results<Ok<GetSessionClusterDto>, AcsErrorResult> GetSessionCluster(
        string workspaceId, string sessionClusterId, HttpContext http, EmulatorStore store)
    {
        if (store.FindWorkspace(Unescape(workspaceId)) is not { } workspace)
        {
            return Fail(AcsErrors.WorkspaceNotFound(Unescape(workspaceId)));
        }

        var id = Unescape(sessionClusterId);
        return store.GetSession(workspace, id) is { } session
            ? TypedResults.Ok(new GetSessionClusterDto(RequestId(http), session))
            : Fail(AcsErrors.SessionClusterNotFound(workspace.Id, id));
    }

    internal static Results<Ok<SessionClusterActionDto>, AcsErrorResult> StartSessionCluster(
        string workspaceId, HttpContext http, EmulatorStore store) =>
        SessionAction(workspaceId, http, store, store.Start);

    internal static Results<Ok<SessionClusterActionDto>, AcsErrorResult> StopSessionCluster(
        string workspaceId, HttpContext http, EmulatorStore store) =>
        SessionAction(workspaceId, http, store, store.Stop);

    internal static Results<Ok<ListWorkspacesDto>, AcsErrorResult> ListWorkspaces(HttpContext http, EmulatorStore store, PageTokenCodec tokens)
    {
        var query = new QueryReader(http.Request.Query);
        if (query.Single("name", out var name) is { } e1) return Fail(e1);
        if (query.Single("state", out var state) is { } e2) return Fail(e2);
        if (query.Single("resourceGroupId", out _) is { } e3) return Fail(e3);
        if (ReadPaging(query, out var maxResults, out var nextToken) is { } e4) return Fail(e4);
        if (query.Single("tag", out var tagJson) is { } e5) return Fail(e5);
        if (ReadTags(tagJson, out var tags) is { } e6) return Fail(e6);

        var binding = PageTokenCodec.Binding("ListWorkspaces", name, state, tagJson);
        var offset = 0;
        if (nextToken is not null && !tokens.TryRead(nextToken, binding, out offset))
        {
            return Fail(InvalidToken());
        }

        var matching = store.Workspaces
            .Select(w => w.Workspace)
            .Where(w => name is null
                        || w.WorkspaceName!.Contains(name, StringComparison.OrdinalIgnoreCase)
                        || w.WorkspaceId!.Contains(name, StringComparison.OrdinalIgnoreCase))
            .Where(w => state is null || string.Equals(w.WorkspaceStatus, state, StringComparison.OrdinalIgnoreCase))
            .Where(w => tags.All(t => w.Tags?.Any(wt => wt.TagKey == t.Key && (t.Value is null || wt.TagValue == t.Value)) == true))
            .ToList();
        var page = matching.Skip(offset).Take(maxResults).ToList();
        var next = offset + page.Count < matching.Count ? tokens.Issue(binding, offset + page.Count) : "";
        return TypedResults.Ok(new ListWorkspacesDto(RequestId(http), page, next, maxResults, matching.Count));
    }

    internal static Results<Ok<ListWorkspaceQueuesDto>, AcsErrorResult> ListWorkspaceQueues(string workspaceId, HttpContext http, EmulatorStore store)
    {
        var query = new QueryReader(http.Request.Query);
        if (store.FindWorkspace(Unescape(workspaceId)) is not { } workspace)
        {
            return Fail(AcsErrors.WorkspaceNotFound(Unescape(workspaceId)));
        }

        if (query.Single("environment", out var environment) is { } error) return Fail(error);
        if (environment is not (null or "dev" or "production"))
        {
            return Fail(AcsErrors.InvalidParameter("The parameter environment must be dev or production."));
        }

        var queues = workspace.Queues.Where(q => environment is null || q.Environments!.Contains(environment)).ToList();
        return TypedResults.Ok(new ListWorkspaceQueuesDto(RequestId(http), queues, "", queues.Count, queues.Count));
    }

    internal static Results<Ok<ListReleaseVersionsDto>, AcsErrorResult> ListReleaseVersions(HttpContext http, EmulatorStore store)
    {
        var query = new QueryReader(http.Request.Query);
        if (query.Single("releaseVersion", out var version) is { } e1) return Fail(e1);
        if (query.Single("releaseVersionStatus", out var status) is { } e2) return Fail(e2);
        if (query.Single("releaseType", out var type) is { } e3) return Fail(e3);
        if (query.Single("workspaceId", out var workspaceId) is { } e4) return Fail(e4);
        if (query.Single("serviceFilter", out var service) is { } e5) return Fail(e5);
        if (workspaceId is not null && store.FindWorkspace(workspaceId) is null)
        {
            return Fail(AcsErrors.WorkspaceNotFound(workspaceId));
        }

        var versions = store.ReleaseVersions
            // The SDK's example value is the display form ("esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)"): accept both.
            .Where(r => version is null || r.ReleaseVersion == version || r.DisplayReleaseVersion == version)
            .Where(r => service is null || Catalog.ServicesOf(r.ReleaseVersion!).Contains(service, StringComparer.OrdinalIgnoreCase))
            .Where(r => status is null || string.Equals(r.State, status, StringComparison.OrdinalIgnoreCase))
            .Where(r => type is null || string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return TypedResults.Ok(new ListReleaseVersionsDto(RequestId(http), versions, "", versions.Count, versions.Count));
    }

    private static Results<Ok<SessionClusterActionDto>, AcsErrorResult> SessionAction(
        string workspaceId, HttpContext http, EmulatorStore store, Func<WorkspaceData, string, AcsError?> action)
    {
        if (store.FindWorkspace(Unescape(workspaceId)) is not { } workspace)
        {
            return Fail(AcsErrors.WorkspaceNotFound(Unescape(workspaceId)));
        }

        SessionClusterActionBodyDto? body;
        try
        {
            var bytes = http.Features.Get<AcsRequestFeature>()?.Body ?? [];
            body = bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, EmulatorJson.Context.SessionClusterActionBodyDto);
        }
        catch (JsonException)
        {
            return Fail(AcsErrors.InvalidParameter("The request body is not valid JSON."));
        }

        if (string.IsNullOrEmpty(body?.SessionClusterId))
        {
            return Fail(AcsErrors.MissingParameter("sessionClusterId"));
        }

        if (body.QueueName is { Length: > 0 } queue && !workspace.HasQueue(queue))
        {
            return Fail(AcsErrors.InvalidParameter($"The queue '{queue}' does not exist in workspace '{workspace.Id}'."));
        }

        return action(workspace, body.SessionClusterId) is { } error
            ? Fail(error)
            : TypedResults.Ok(new SessionClusterActionDto(RequestId(http), body.SessionClusterId));
    }

    /// <summary>maxResults: 1..100, default 20, anything else is InvalidParameter. nextToken: absent or empty = first page.</summary>
    private static AcsError? ReadPaging(QueryReader query, out int maxResults, out string? nextToken)
    {
        maxResults = DefaultMaxResults;
        if (query.Single("nextToken", out nextToken) is { } tokenError)
        {
            return tokenError;
        }

        if (nextToken is { Length: 0 })
        {
            nextToken = null;
        }

        if (query.Single("maxResults", out var raw) is { } error)
        {
            return error;
        }

        if (raw is null)
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults is < 1 or > MaxMaxResults)
        {
            return AcsErrors.InvalidParameter($"The parameter maxResults must be an integer from 1 to {MaxMaxResults}.");
        }

        return null;
    }

    /// <summary>
    /// ListWorkspaces' <c>tag</c>: the official SDK sends the tag list as one JSON array,
    /// <c>[{"key":"env","value":"prod"}]</c>. A workspace matches when it carries every tag (a tag without value matches any value).
    /// </summary>
    private static AcsError? ReadTags(string? json, out IReadOnlyList<WorkspaceTagFilterDto> tags)
    {
        tags = [];
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(json, EmulatorJson.Context.ListWorkspaceTagFilterDto);
            if (parsed is null || parsed.Any(t => t is null || string.IsNullOrEmpty(t.Key)))
            {
                return AcsErrors.InvalidParameter("The parameter tag must be a JSON array of {\"key\",\"value\"} objects with a key.");
            }

            tags = parsed;
            return null;
        }
        catch (JsonException)
        {
            return AcsErrors.InvalidParameter("The parameter tag must be a JSON array of {\"key\",\"value\"} objects with a key.");
        }
    }

    private static AcsError InvalidToken() =>
        AcsErrors.InvalidParameter("The parameter nextToken is invalid or expired; start again without nextToken.");

    private static AcsErrorResult Fail(AcsError error) => new(error);

    private static string RequestId(HttpContext http) =>
        http.Features.Get<AcsRequestFeature>()?.RequestId ?? AcsRequestFeature.NewRequestId();

    /// <summary>Route values keep <c>%2F</c> escaped; ids are compared in their decoded form.</summary>
    private static string Unescape(string value) => value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    /// <summary>Single-valued query parameters; a repeated one is InvalidParameter rather than silently taking the first.</summary>
    private readonly struct QueryReader(IQueryCollection query)
    {
        public AcsError? Single(string name, out string? value)
        {
            value = null;
            if (!query.TryGetValue(name, out var values) || values.Count == 0)
            {
                return null;
            }

            if (values.Count > 1)
            {
                return AcsErrors.InvalidParameter($"The parameter {name} must not be repeated.");
            }

            value = values[0];
            return null;
        }
    }
}
