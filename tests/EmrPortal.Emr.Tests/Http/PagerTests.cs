using System.Web;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Tests.Infrastructure;

namespace EmrPortal.Emr.Tests.Http;

public sealed class PagerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Page(string? nextToken, params string[] ids)
    {
        var sessions = string.Join(',', ids.Select(id => $$"""{"workspaceId":"w-1","sessionClusterId":"{{id}}"}"""));
        var token = nextToken is null ? "" : $"\"nextToken\":\"{nextToken}\",";
        return $$"""{"requestId":"R",{{token}}"maxResults":2,"totalCount":999,"sessionClusters":[{{sessions}}]}""";
    }

    private static string? SentToken(CapturedRequest request) => HttpUtility.ParseQueryString(request.Uri.Query)["nextToken"];

    [Fact]
    public async Task Pager_follows_next_token_across_pages_and_stops_on_empty_token()
    {
        var pages = new[] { Page("t1", "sc-1", "sc-2"), Page("t2", "sc-3", "sc-4"), Page("", "sc-5") };
        using var host = new EmrClientHost(new StubHttpHandler((_, i) => StubHttpHandler.Json(pages[i])));

        var ids = new List<string>();
        await foreach (var session in host.Client.ListAllSessionClustersAsync(new ListSessionClustersRequest("w-1") { QueueName = "dev_queue" }, Ct))
        {
            ids.Add(session.SessionClusterId!);
        }

        Assert.Equal(["sc-1", "sc-2", "sc-3", "sc-4", "sc-5"], ids);
        Assert.Equal([null, "t1", "t2"], host.Handler.Requests.Select(SentToken));
        Assert.All(host.Handler.Requests, r =>
        {
            var query = HttpUtility.ParseQueryString(r.Uri.Query);
            Assert.Equal("100", query["maxResults"]);
            Assert.Equal("dev_queue", query["queueName"]);
        });
    }

    [Fact]
    public async Task Pager_stops_when_next_token_is_absent()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, i) => StubHttpHandler.Json(i == 0 ? Page("t1", "sc-1") : Page(null, "sc-2"))));

        var pages = new List<ListSessionClustersResponse>();
        await foreach (var page in host.Client.ListSessionClusterPagesAsync(new ListSessionClustersRequest("w-1") { MaxResults = 2 }, Ct))
        {
            pages.Add(page);
        }

        Assert.Equal(2, pages.Count);
        Assert.Equal("2", HttpUtility.ParseQueryString(host.Handler.Requests[0].Uri.Query)["maxResults"]);
    }

    [Fact]
    public async Task Empty_workspace_is_one_call_and_no_sessions()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R","sessionClusters":[],"totalCount":0}""")));

        var count = 0;
        await foreach (var _ in host.Client.ListAllSessionClustersAsync(new ListSessionClustersRequest("w-1"), Ct))
        {
            count++;
        }

        Assert.Equal(0, count);
        Assert.Single(host.Handler.Requests);
    }

    [Fact]
    public async Task Repeated_next_token_stops_with_a_clear_error()
    {
        var pages = new[] { Page("t1", "sc-1"), Page("t2", "sc-2"), Page("t1", "sc-3") };
        using var host = new EmrClientHost(new StubHttpHandler((_, i) => StubHttpHandler.Json(pages[i])));

        var error = await Assert.ThrowsAsync<EmrPagingException>(async () =>
        {
            await foreach (var _ in host.Client.ListAllSessionClustersAsync(new ListSessionClustersRequest("w-1"), Ct))
            {
            }
        });

        Assert.Contains("already returned", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.PagesRead);
        Assert.Equal(3, host.Handler.Requests.Count);
    }

    [Fact]
    public async Task Runaway_paging_stops_at_the_configured_page_cap()
    {
        using var host = new EmrClientHost(
            new StubHttpHandler((_, i) => StubHttpHandler.Json(Page($"t{i + 1}", $"sc-{i}"))),
            o => o.MaxPages = 3);

        var seen = 0;
        var error = await Assert.ThrowsAsync<EmrPagingException>(async () =>
        {
            await foreach (var _ in host.Client.ListAllSessionClustersAsync(new ListSessionClustersRequest("w-1"), Ct))
            {
                seen++;
            }
        });

        Assert.Equal(3, seen);
        Assert.Equal(3, error.PagesRead);
        Assert.Equal(3, host.Handler.Requests.Count);
        Assert.Contains("Emr:MaxPages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_between_pages_stops_fetching()
    {
        using var host = new EmrClientHost(new StubHttpHandler((_, i) => StubHttpHandler.Json(Page($"t{i + 1}", $"sc-{i}"))));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var page in host.Client.ListSessionClusterPagesAsync(new ListSessionClustersRequest("w-1"), cts.Token))
            {
                if (page.NextToken == "t2")
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(2, host.Handler.Requests.Count);
    }
}
