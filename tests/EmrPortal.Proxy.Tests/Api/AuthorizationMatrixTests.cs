using System.Net.Http.Headers;
using System.Text.Json;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// Every route the proxy maps × every kind of caller → the expected status, from ONE table. The routes come from the
/// running app's <see cref="EndpointDataSource"/>: a route added without a row (or a row whose route is gone) fails
/// <see cref="Every_mapped_route_has_a_row_and_every_row_a_route"/>, so nothing new escapes the matrix.
/// Workspace routes are checked twice: on w-analytics (mapped to the viewer's group) and on w-finance (mapped to no one).
/// </summary>
public sealed class AuthorizationMatrixTests(HostileInputFixture fixture) : ApiTestBase(fixture), IClassFixture<HostileInputFixture>
{
    /// <summary>Callers, in the column order of <see cref="Matrix"/>.</summary>
    public static readonly string[] Roles = ["anonymous", "admin", "viewer", "outsider", "unknown-role"];

    private const string Mapped = "w-analytics";
    private const string Unmapped = "w-finance";

    /// <summary>
    /// "METHOD pattern" → statuses for (anonymous, admin, mapped viewer, unmapped viewer, unknown-role user) on the
    /// mapped workspace, and on the unmapped one for routes that name a workspace.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (int[] OnMapped, int[]? OnUnmapped)> Matrix =
        new Dictionary<string, (int[], int[]?)>(StringComparer.Ordinal)
        {
            ["GET /api/v1/me"] = ([401, 200, 200, 200, 200], null),
            ["GET /api/v1/workspaces"] = ([401, 200, 200, 200, 200], null),
            ["GET /api/v1/sessions"] = ([401, 200, 200, 200, 200], null),
            ["GET /api/v1/workspaces/{workspaceId}/sessions"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["GET /api/v1/workspaces/{workspaceId}/sessions.csv"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["GET /api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["POST /api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}/reveal"] = ([401, 200, 403, 403, 403], [401, 200, 403, 403, 403]),
            ["GET /api/v1/workspaces/{workspaceId}/scan"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            // Issue 10: the portal's own data. POST views without a body: 400 once the caller may see the workspace.
            ["GET /api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}/timeline"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["GET /api/v1/errors"] = ([401, 200, 200, 200, 200], null),
            ["GET /api/v1/workspaces/{workspaceId}/overview"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["GET /api/v1/workspaces/{workspaceId}/views"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["POST /api/v1/workspaces/{workspaceId}/views"] = ([401, 400, 400, 403, 403], [401, 400, 403, 403, 403]),
            ["DELETE /api/v1/workspaces/{workspaceId}/views/{viewId:guid}"] = ([401, 404, 404, 403, 403], [401, 404, 403, 403, 403]),
            ["GET /api/v1/pins"] = ([401, 200, 200, 200, 200], null),
            ["PUT /api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}/pin"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["DELETE /api/v1/workspaces/{workspaceId}/sessions/{sessionClusterId}/pin"] = ([401, 204, 204, 403, 403], [401, 204, 403, 403, 403]),
            ["GET /api/v1/audit"] = ([401, 200, 403, 403, 403], null),
            // Issue 21: notifications. Bodies are left out, so writes the caller may attempt answer 400; unknown ids 404.
            ["GET /api/v1/workspaces/{workspaceId}/notification-rules"] = ([401, 200, 200, 403, 403], [401, 200, 403, 403, 403]),
            ["POST /api/v1/workspaces/{workspaceId}/notification-rules"] = ([401, 400, 400, 403, 403], [401, 400, 403, 403, 403]),
            ["PUT /api/v1/workspaces/{workspaceId}/notification-rules/{ruleId:guid}"] = ([401, 400, 400, 403, 403], [401, 400, 403, 403, 403]),
            ["DELETE /api/v1/workspaces/{workspaceId}/notification-rules/{ruleId:guid}"] = ([401, 404, 404, 403, 403], [401, 404, 403, 403, 403]),
            ["GET /api/v1/workspaces/{workspaceId}/webhooks"] = ([401, 200, 403, 403, 403], [401, 200, 403, 403, 403]),
            ["POST /api/v1/workspaces/{workspaceId}/webhooks"] = ([401, 400, 403, 403, 403], [401, 400, 403, 403, 403]),
            ["PUT /api/v1/workspaces/{workspaceId}/webhooks/{destinationId:guid}"] = ([401, 400, 403, 403, 403], [401, 400, 403, 403, 403]),
            ["DELETE /api/v1/workspaces/{workspaceId}/webhooks/{destinationId:guid}"] = ([401, 404, 403, 403, 403], [401, 404, 403, 403, 403]),
            ["POST /api/v1/workspaces/{workspaceId}/webhooks/{destinationId:guid}/test"] = ([401, 404, 403, 403, 403], [401, 404, 403, 403, 403]),
            ["GET /api/v1/notifications"] = ([401, 200, 200, 200, 200], null),
            ["GET /api/v1/notifications/unread-count"] = ([401, 200, 200, 200, 200], null),
            ["POST /api/v1/notifications/read"] = ([401, 400, 400, 400, 400], null),
            ["GET /api/v1/notifications/mutes"] = ([401, 200, 200, 200, 200], null),
            ["POST /api/v1/notifications/mutes"] = ([401, 400, 400, 400, 400], null),
            ["DELETE /api/v1/notifications/mutes/{muteId:guid}"] = ([401, 404, 404, 404, 404], null),
            ["GET /api/v1/notifications/dead-letters"] = ([401, 200, 403, 403, 403], null),
            ["POST /api/v1/notifications/dead-letters/{deliveryId:long}/retry"] = ([401, 404, 403, 403, 403], null),
            // Issue 17: the caller's own column choice (no body: 400 for anyone signed in).
            ["GET /api/v1/me/preferences/columns"] = ([401, 200, 200, 200, 200], null),
            ["PUT /api/v1/me/preferences/columns"] = ([401, 400, 400, 400, 400], null),
            ["GET /openapi/{documentName}.json"] = ([200, 200, 200, 200, 200], null),
            ["* /health/live"] = ([200, 200, 200, 200, 200], null),
            ["* /health/ready"] = ([200, 200, 200, 200, 200], null),
        };

    public static TheoryData<string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (route, (_, onUnmapped)) in Matrix)
        {
            foreach (var role in Roles)
            {
                data.Add(route, role, Mapped);
                if (onUnmapped is not null) data.Add(route, role, Unmapped);
            }
        }

        return data;
    }

    [Fact]
    public void Every_mapped_route_has_a_row_and_every_row_a_route()
    {
        var mapped = MappedRoutes();

        var missing = mapped.Except(Matrix.Keys).ToList();
        var stale = Matrix.Keys.Except(mapped).ToList();
        Assert.True(missing.Count == 0, "Routes without a row in the authorization matrix: " + string.Join("; ", missing));
        Assert.True(stale.Count == 0, "Rows for routes the proxy no longer maps: " + string.Join("; ", stale));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Caller_gets_the_status_the_matrix_says(string route, string role, string workspace)
    {
        var (onMapped, onUnmapped) = Matrix[route];
        var expected = (workspace == Mapped ? onMapped : onUnmapped!)[Array.IndexOf(Roles, role)];
        var (method, path) = await InstantiateAsync(route, workspace);

        using var client = Host.Proxy.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (role != "anonymous")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", role == "unknown-role"
                ? HostileTokens.Custom(Host, ["Portal.Superuser"], [])
                : Host.Token(role));
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True((int)response.StatusCode == expected,
            $"{method} {path} as {role}: expected {expected}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        if (expected >= 400)
        {
            AssertProblem(response, body, response.StatusCode);
        }
    }

    /// <summary>Visibility follows the same table: what a caller may list is exactly what the matrix lets them open.</summary>
    [Theory]
    [InlineData("admin", new[] { "w-analytics", "w-finance", "w-large", "w-marketing" })]
    [InlineData("viewer", new[] { "w-analytics" })]
    [InlineData("outsider", new string[0])]
    [InlineData("unknown-role", new string[0])]
    public async Task Listed_workspaces_match_the_matrix(string role, string[] visible)
    {
        using var client = Host.Proxy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", role == "unknown-role"
            ? HostileTokens.Custom(Host, ["Portal.Superuser"], [])
            : Host.Token(role));

        var workspaces = JsonDocument.Parse(await client.GetStringAsync("/api/v1/workspaces", TestContext.Current.CancellationToken))
            .RootElement.EnumerateArray().Select(w => w.GetProperty("workspaceId").GetString()).Order(StringComparer.Ordinal);
        var me = JsonDocument.Parse(await client.GetStringAsync("/api/v1/me", TestContext.Current.CancellationToken))
            .RootElement.GetProperty("workspaces").EnumerateArray().Select(w => w.GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(visible, workspaces);
        Assert.Equal(visible, me);
    }

    /// <summary>"METHOD pattern" of every route endpoint the app maps (trailing slash of group roots dropped).</summary>
    private HashSet<string> MappedRoutes()
    {
        _ = Host.Proxy.Server; // start the app
        var endpoints = Host.Proxy.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
            {
                routes.Add($"{method} {pattern}");
            }
        }

        return routes;
    }

    private async Task<(string Method, string Path)> InstantiateAsync(string route, string workspace)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var path = route[(space + 1)..].Replace("{workspaceId}", workspace, StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal)
            .Replace("{viewId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{ruleId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{destinationId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{muteId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{deliveryId:long}", "987654321", StringComparison.Ordinal);
        if (path.Contains("{sessionClusterId}", StringComparison.Ordinal))
        {
            path = path.Replace("{sessionClusterId}", await FirstSessionAsync(workspace), StringComparison.Ordinal);
        }

        Assert.False(path.Contains('{', StringComparison.Ordinal), $"The matrix cannot fill the parameters of {route}: teach InstantiateAsync.");
        // "*" rows (health checks answer any method) are exercised with GET.
        return (route[..space] == "*" ? "GET" : route[..space], path);
    }

    private async Task<string> FirstSessionAsync(string workspace)
    {
        var (response, body) = await Host.GetAsync("admin", $"/api/v1/workspaces/{workspace}/sessions?pageSize=1");
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("items")[0].GetProperty("sessionClusterId").GetString()!;
    }
}
