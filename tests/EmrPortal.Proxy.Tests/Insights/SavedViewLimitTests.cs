using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Insights;

/// <summary>
/// One user cannot make the views list heavy for everyone: a per-user cap on saved views (a 409 ProblemDetails with
/// its own type), bounded name and query sizes (400), and a paged list (page, pageSize, X-Total-Count, Link rel=next).
/// </summary>
public sealed class SavedViewLimitTests : IAsyncLifetime
{
    private const int Cap = 5;
    private readonly ProxyHost _host = new(InsightsHost.Settings(("Views:MaxPerUser", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture))), InsightsHost.NoThrottling);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Task<(HttpResponseMessage Response, string Body)> SaveAsync(string user, string workspace, string name, string query = "state=Running") =>
        _host.SendAsync(HttpMethod.Post, _host.Token(user), $"/api/v1/workspaces/{workspace}/views", new SaveViewRequest(name, query));

    [Fact]
    public async Task A_user_at_the_cap_gets_a_409_problem_and_others_can_still_save()
    {
        for (var i = 0; i < Cap - 1; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await SaveAsync("viewer", "w-analytics", $"view {i:D2}")).Response.StatusCode);
        }

        // The cap counts across workspaces: the admin's views elsewhere are the admin's, the viewer's are the viewer's.
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("admin", "w-finance", "admin's own")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("viewer", "w-analytics", "the last one")).Response.StatusCode);

        var (refused, body) = await SaveAsync("viewer", "w-analytics", "one too many");

        var problem = Api.Problem(refused, body, HttpStatusCode.Conflict);
        Assert.Equal(ProblemTypes.SavedViewLimit, problem.GetProperty("type").GetString());
        Assert.Contains($"{Cap} saved views", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("one too many", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("admin", "w-analytics", "admin still saves")).Response.StatusCode);

        // Deleting one makes room again.
        var views = await new Api(_host).GetOk<IReadOnlyList<SavedViewDto>>("viewer", "/api/v1/workspaces/w-analytics/views");
        var mine = views.First(v => v.CreatedBy == "user-viewer");
        var (deleted, _) = await _host.SendAsync(HttpMethod.Delete, _host.Token("viewer"), $"/api/v1/workspaces/w-analytics/views/{mine.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("viewer", "w-analytics", "room again")).Response.StatusCode);
    }

    [Theory]
    [InlineData(81, 10)]
    [InlineData(10, 2001)]
    public async Task Overlong_names_and_queries_are_400_problems_and_nothing_is_stored(int nameLength, int queryLength)
    {
        var name = new string('n', nameLength);
        var query = "q=" + new string('x', queryLength - 2);

        var (refused, body) = await SaveAsync("viewer", "w-analytics", name, query);

        Api.Problem(refused, body, HttpStatusCode.BadRequest);
        Assert.DoesNotContain(new string('x', 100), body, StringComparison.Ordinal);
        Assert.Empty(await new Api(_host).GetOk<IReadOnlyList<SavedViewDto>>("viewer", "/api/v1/workspaces/w-analytics/views"));
    }

    [Fact]
    public async Task The_list_is_paged_by_name_with_a_total_and_a_next_link()
    {
        var names = new[] { "delta", "Alpha", "charlie", "bravo", "echo" };
        foreach (var name in names)
        {
            Assert.Equal(HttpStatusCode.Created, (await SaveAsync("admin", "w-analytics", name)).Response.StatusCode);
        }

        var pages = new List<string>();
        var path = "/api/v1/workspaces/w-analytics/views?pageSize=2";
        for (var i = 0; i < 5 && path is not null; i++)
        {
            var (response, body) = await _host.SendAsync(HttpMethod.Get, _host.Token("viewer"), path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("5", response.Headers.GetValues("X-Total-Count").Single());
            var page = Api.Read<IReadOnlyList<SavedViewDto>>(body);
            Assert.InRange(page.Count, 1, 2);
            pages.AddRange(page.Select(v => v.Name));
            path = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
        }

        Assert.Equal(["Alpha", "bravo", "charlie", "delta", "echo"], pages);
        // The default page holds all five; past the end is an empty page, not an error.
        Assert.Equal(5, (await new Api(_host).GetOk<IReadOnlyList<SavedViewDto>>("viewer", "/api/v1/workspaces/w-analytics/views")).Count);
        Assert.Empty(await new Api(_host).GetOk<IReadOnlyList<SavedViewDto>>("viewer", "/api/v1/workspaces/w-analytics/views?page=9&pageSize=2"));
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=201")]
    [InlineData("pageSize=%E2%80%AE5")]
    public async Task Bad_paging_is_a_400_problem(string query)
    {
        var (response, body) = await _host.SendAsync(HttpMethod.Get, _host.Token("viewer"), $"/api/v1/workspaces/w-analytics/views?{query}");

        Api.Problem(response, body, HttpStatusCode.BadRequest);
    }
}
