using System.Net;
using System.Text;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Extensions;
using EmrPortal.Web.Insights;
using EmrPortal.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmrPortal.Web.Tests;

public sealed class ConfigDiffTests
{
    private static SessionDetailDto Detail(string id, params ApplicationConfigDto[] configs) =>
        FakeProxyClient.DetailOf(FakeProxyClient.Session("w-analytics", id), redacted: false) with { ApplicationConfigs = configs };

    private static ApplicationConfigDto C(string? file, string? key, string? value, bool redacted) => new(file, key, value, redacted);

    private static DiffRow Row(SessionDiff diff, string key) => Assert.Single(diff.Configs, r => r.Key == key);

    [Fact]
    public void Equal_values_are_same_and_changed_values_differ()
    {
        var diff = ConfigDiff.Compare(
            Detail("a", C("spark-defaults.conf", "spark.executor.memory", "4g", false), C("spark-defaults.conf", "spark.executor.cores", "2", false)),
            Detail("b", C("spark-defaults.conf", "spark.executor.memory", "8g", false), C("spark-defaults.conf", "spark.executor.cores", "2", false)));

        Assert.Equal(DiffStatus.Different, Row(diff, "spark.executor.memory").Status);
        Assert.Equal(("4g", "8g"), (Row(diff, "spark.executor.memory").Left!.Text, Row(diff, "spark.executor.memory").Right!.Text));
        Assert.Equal(DiffStatus.Same, Row(diff, "spark.executor.cores").Status);
        Assert.Equal(1, diff.DifferenceCount);
    }

    [Fact]
    public void Keys_present_on_one_side_only_are_reported_as_such()
    {
        var diff = ConfigDiff.Compare(
            Detail("a", C("spark-defaults.conf", "only.left", "1", false)),
            Detail("b", C("hive-site.xml", "only.right", "2", false)));

        Assert.Equal(DiffStatus.OnlyLeft, Row(diff, "only.left").Status);
        Assert.Null(Row(diff, "only.left").Right);
        Assert.Equal(DiffStatus.OnlyRight, Row(diff, "only.right").Status);
        Assert.Equal("hive-site.xml", Row(diff, "only.right").Section);
    }

    [Fact]
    public void Two_redacted_values_are_hidden_never_same_and_carry_no_placeholder_text()
    {
        var secret = new ApplicationConfigDto("spark-defaults.conf", "fs.oss.accessKeySecret", ApplicationConfigDto.RedactedValue, true);
        var diff = ConfigDiff.Compare(Detail("a", secret), Detail("b", secret));

        var row = Row(diff, "fs.oss.accessKeySecret");
        Assert.Equal(DiffStatus.Hidden, row.Status);
        Assert.True(row.IsDifference);
        Assert.True(row.Left!.Redacted);
        Assert.Null(row.Left.Text);
        Assert.Null(row.Right!.Text);
    }

    [Fact]
    public void One_redacted_side_is_hidden_even_if_the_other_looks_equal_to_the_placeholder()
    {
        var diff = ConfigDiff.Compare(
            Detail("a", C("f", "k", ApplicationConfigDto.RedactedValue, true)),
            Detail("b", C("f", "k", ApplicationConfigDto.RedactedValue, false)));

        Assert.Equal(DiffStatus.Hidden, Row(diff, "k").Status);
    }

    [Fact]
    public void Configs_without_a_file_group_together_and_repeated_keys_compare_by_occurrence()
    {
        var diff = ConfigDiff.Compare(
            Detail("a", C(null, "k", "1", false), C(null, "k", "2", false)),
            Detail("b", C("", "k", "1", false), C("", "k", "3", false)));

        Assert.All(diff.Configs, r => Assert.Equal(ConfigDiff.NoFile, r.Section));
        Assert.Equal(DiffStatus.Same, Row(diff, "k").Status);
        Assert.Equal(DiffStatus.Different, Row(diff, "k (2)").Status);
    }

    [Fact]
    public void Release_and_auto_start_stop_are_compared_as_facts()
    {
        var left = FakeProxyClient.DetailOf(FakeProxyClient.Session("w-analytics", "a"), redacted: false);
        var right = FakeProxyClient.DetailOf(FakeProxyClient.Session("w-marketing", "b", autoStop: false) with { ReleaseVersion = "esr-4.4.0", AutoStartEnabled = false }, redacted: false);

        var facts = ConfigDiff.Compare(left, right).Facts.ToDictionary(f => f.Key);

        Assert.Equal(DiffStatus.Different, facts["Release"].Status);
        Assert.Equal(("esr-4.3.0", "esr-4.4.0"), (facts["Release"].Left!.Text, facts["Release"].Right!.Text));
        Assert.Equal(("On", "Off"), (facts["Auto-start"].Left!.Text, facts["Auto-start"].Right!.Text));
        Assert.Equal(DiffStatus.Different, facts["Auto-stop"].Status);
        Assert.Equal(DiffStatus.Same, facts["Kind"].Status);
    }

    [Theory]
    [InlineData("w-analytics/sc-001", true)]
    [InlineData(" w-analytics/sc-001 ", true)]
    [InlineData("w-analytics", false)]
    [InlineData("w-analytics/sc-001/extra", false)]
    [InlineData("w-analytics/..%2Fsc", false)]
    [InlineData("w analytics/sc-001", false)]
    [InlineData(null, false)]
    public void Session_refs_are_workspace_slash_session_with_valid_ids(string? value, bool valid)
    {
        Assert.Equal(valid, SessionRef.TryParse(value, out var parsed));
        if (valid) Assert.Equal("w-analytics/sc-001", parsed.ToString());
    }
}

public sealed class ConnectionSnippetsTests
{
    private static SessionDetailDto Thrift(string? domain = "sc-1.emr.example.com", string? inner = "sc-1.inner.example.com", bool? publicEnabled = true, string kind = "THRIFT") =>
        new(FakeProxyClient.Session("w-analytics", "sc-1") with { Kind = kind }, null, domain, inner, publicEnabled, null, null, null, [], false, null);

    [Fact]
    public void Internal_snippets_use_the_inner_host_on_port_80_with_a_token_placeholder()
    {
        var snippets = ConnectionSnippets.Build(Thrift(), EndpointNetwork.Internal).ToDictionary(s => s.Key, s => s.Text);

        Assert.Equal("jdbc:hive2://sc-1.inner.example.com:80/;transportMode=http;httpPath=cliservice/token/<token>", snippets["jdbc"]);
        Assert.Equal($"beeline -u \"{snippets["jdbc"]}\"", snippets["beeline"]);
        Assert.Contains($".option(\"url\", \"{snippets["jdbc"]}\")", snippets["pyspark"], StringComparison.Ordinal);
        Assert.StartsWith("spark.read.format(\"jdbc\")", snippets["pyspark"], StringComparison.Ordinal);
    }

    [Fact]
    public void Public_snippets_use_the_public_host_on_port_443()
    {
        var jdbc = ConnectionSnippets.Build(Thrift(), EndpointNetwork.Public).Single(s => s.Key == "jdbc").Text;
        Assert.StartsWith("jdbc:hive2://sc-1.emr.example.com:443/", jdbc, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public void Public_is_not_offered_unless_the_public_endpoint_is_enabled(bool? enabled)
    {
        var detail = Thrift(publicEnabled: enabled);
        Assert.Equal([EndpointNetwork.Internal], ConnectionSnippets.AvailableNetworks(detail));
        Assert.Empty(ConnectionSnippets.Build(detail, EndpointNetwork.Public));
    }

    [Theory]
    [InlineData("x.example.com\"; rm -rf ~; echo \"")]
    [InlineData("host with space.example.com")]
    [InlineData("-leading.example.com")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData(null)]
    public void A_host_that_is_not_a_strict_dns_name_gives_no_snippet(string? host)
    {
        var detail = Thrift(domain: host, inner: host);
        Assert.Empty(ConnectionSnippets.AvailableNetworks(detail));
        Assert.Empty(ConnectionSnippets.Build(detail, EndpointNetwork.Internal));
        Assert.Empty(ConnectionSnippets.Build(detail, EndpointNetwork.Public));
    }

    [Fact]
    public void Sql_sessions_get_snippets_and_notebooks_do_not()
    {
        Assert.NotEmpty(ConnectionSnippets.Build(Thrift(kind: "SQL"), EndpointNetwork.Internal));
        Assert.Empty(ConnectionSnippets.Build(Thrift(kind: "NOTEBOOK"), EndpointNetwork.Internal));
    }
}

public sealed class ListLinkTests
{
    [Fact]
    public void Mine_is_the_default_only_for_non_admins_with_a_cloud_user_mapping()
    {
        var viewer = new MeDto("viewer", "Vic", ["Portal.Viewer"], ["w-analytics"], false);
        Assert.True(MineDefault.For(viewer with { CloudUserNames = ["alice"] }));
        Assert.False(MineDefault.For(viewer));
        Assert.False(MineDefault.For(viewer with { IsAdmin = true, CloudUserNames = ["ada"] }));
        Assert.False(MineDefault.For(null));
    }

    [Fact]
    public void A_saved_view_keeps_filters_and_an_explicit_everyone_but_not_the_page()
    {
        var query = new SessionQuery { Page = 4, State = "Error", Sort = "name", Listed = "all" };
        Assert.Equal("sort=name&state=Error&listed=all&mine=false", SavedViewLinks.QueryToSave(query, mineChoice: false));
        Assert.Equal("sort=name&state=Error&mine=true&listed=all", SavedViewLinks.QueryToSave(query, mineChoice: true));
        Assert.Equal("sort=name&state=Error&listed=all", SavedViewLinks.QueryToSave(query, mineChoice: null));
    }

    [Theory]
    [InlineData("state=Error&sort=name", "/workspaces/w-analytics/sessions?sort=name&state=Error")]
    [InlineData("?mine=false&q=etl", "/workspaces/w-analytics/sessions?q=etl&mine=false")]
    [InlineData("sort=evil&dir=sideways&listed=bogus&mine=maybe", "/workspaces/w-analytics/sessions")]
    [InlineData("", "/workspaces/w-analytics/sessions")]
    [InlineData("x=1&returnUrl=https://evil.example/", "/workspaces/w-analytics/sessions")]
    public void Saved_view_links_are_rebuilt_from_known_parameters_only(string saved, string expected) =>
        Assert.Equal(expected, SavedViewLinks.Href("w-analytics", saved));

    [Fact]
    public void Listed_and_mine_are_read_from_links_and_unknown_values_fall_back()
    {
        Assert.Equal("gone", SessionQueryBinding.NormalizeListed(" gone "));
        Assert.Null(SessionQueryBinding.NormalizeListed("current"));
        Assert.Null(SessionQueryBinding.NormalizeListed("everything"));
        Assert.True(SessionQueryBinding.ParseMine("true"));
        Assert.False(SessionQueryBinding.ParseMine("false"));
        Assert.Null(SessionQueryBinding.ParseMine("yes"));
        Assert.Null(SessionQueryBinding.ParseMine(null));
    }

    [Fact]
    public void Audit_query_normalizes_links_and_always_sends_paging_to_the_proxy()
    {
        var q = AuditQuery.Normalize(-1, 9999, " ada ", "", "../w");
        Assert.Equal(new AuditQuery { User = "ada" }, q);
        Assert.Equal("user=ada", q.ToQueryString());
        Assert.Equal("page=1&pageSize=50&user=ada", q.ToQueryString(explicitPaging: true));
    }

    [Theory]
    [InlineData(20, "under a minute")]
    [InlineData(3 * 3600 + 60, "3 h")]
    [InlineData(50 * 60, "50 min")]
    [InlineData(3 * 86400, "3 days")]
    public void Durations_read_without_ago(int seconds, string expected) =>
        Assert.Equal(expected, RelativeTime.Duration(FakeProxyClient.T0.AddSeconds(-seconds), FakeProxyClient.T0));
}

public sealed class ProxyClientRouteTests
{
    private sealed class Recorder(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpMethod Method, string PathAndQuery, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method, request.RequestUri!.PathAndQuery, body));
            return answer(request);
        }
    }

    private sealed class Token : IProxyTokenSource
    {
        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult("tok");
    }

    private static (ProxyClient Client, Recorder Recorder) Create(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var recorder = new Recorder(answer);
        var http = new HttpClient(recorder) { BaseAddress = new Uri("http://proxy.local/") };
        return (new ProxyClient(http, new Token(), new PrerenderBudget(Microsoft.Extensions.Options.Options.Create(new EmrPortal.Web.Options.ProxyOptions()), TimeProvider.System), NullLogger<ProxyClient>.Instance), recorder);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task New_routes_use_the_agreed_paths_and_methods()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, recorder) = Create(r => r.RequestUri!.AbsolutePath switch
        {
            var p when p.EndsWith("/timeline", StringComparison.Ordinal) => Json("""{"workspaceId":"w","sessionClusterId":"s","transitions":[],"noLongerListed":true,"lastSeen":null}"""),
            "/api/v1/errors" => Json("[]"),
            "/api/v1/pins" => Json("""[{"workspaceId":"w","sessionClusterId":"s","pinnedAt":"2026-11-25T12:00:00Z"}]"""),
            "/api/v1/audit" => Json("""{"items":[],"totalCount":0,"page":2,"pageSize":50}"""),
            var p when p.EndsWith("/views", StringComparison.Ordinal) && r.Method == HttpMethod.Post =>
                Json("""{"id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","workspaceId":"w","name":"Errors","query":"state=Error","createdBy":"viewer","createdAt":"2026-11-25T12:00:00Z"}"""),
            var p when p.EndsWith("/stop", StringComparison.Ordinal) => Json("""{"workspaceId":"w","sessionClusterId":"s","action":"stop","state":"Stopping"}"""),
            _ => new HttpResponseMessage(HttpStatusCode.NoContent),
        });

        Assert.True((await client.GetTimelineAsync("w", "s", ct)).Value!.NoLongerListed);
        Assert.True((await client.GetErrorGroupsAsync("w-analytics", ct)).IsSuccess);
        Assert.True((await client.GetErrorGroupsAsync(null, ct)).IsSuccess);
        Assert.Equal("Errors", (await client.SaveViewAsync("w", new("Errors", "state=Error"), ct)).Value!.Name);
        Assert.Null(await client.DeleteViewAsync("w", Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), ct));
        Assert.Single((await client.GetPinsAsync(ct)).Value!);
        Assert.Null(await client.SetPinnedAsync("w", "s", pinned: true, ct));
        Assert.Null(await client.SetPinnedAsync("w", "s", pinned: false, ct));
        Assert.Equal(2, (await client.GetAuditAsync(new AuditQuery { Page = 2, Action = "reveal" }, ct)).Value!.Page);
        Assert.Equal("Stopping", (await client.RunSessionActionAsync("w", "s", SessionAction.Stop, ct)).Value!.State);

        Assert.Equal(
        [
            ("GET", "/api/v1/workspaces/w/sessions/s/timeline"),
            ("GET", "/api/v1/errors?workspace=w-analytics"),
            ("GET", "/api/v1/errors"),
            ("POST", "/api/v1/workspaces/w/views"),
            ("DELETE", "/api/v1/workspaces/w/views/6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            ("GET", "/api/v1/pins"),
            ("PUT", "/api/v1/workspaces/w/sessions/s/pin"),
            ("DELETE", "/api/v1/workspaces/w/sessions/s/pin"),
            ("GET", "/api/v1/audit?page=2&pageSize=50&action=reveal"),
            ("POST", "/api/v1/workspaces/w/sessions/s/stop"),
        ], recorder.Requests.Select(r => (r.Method.Method, r.PathAndQuery)));
        Assert.Equal("""{"name":"Errors","query":"state=Error"}""", recorder.Requests[3].Body);
    }

    [Fact]
    public async Task A_conflict_on_start_is_a_friendly_conflict_failure()
    {
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.Conflict)
        {
            Content = new StringContent("""{"title":"Conflict","detail":"The session is already starting."}""", Encoding.UTF8, "application/problem+json"),
        });

        var result = await client.RunSessionActionAsync("w", "s", SessionAction.Start, TestContext.Current.CancellationToken);

        Assert.Equal(ProxyFailureKind.Conflict, result.Failure!.Kind);
        Assert.Equal("The session is already starting.", result.Failure.Message);
    }

    [Fact]
    public async Task A_cloud_permission_problem_is_its_own_failure_kind_not_the_users_forbidden()
    {
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent($$"""{"type":"{{ProblemTypes.CloudPermissionDenied}}","title":"Cloud permission denied","detail":"x","status":403,"traceId":"t-9"}""", Encoding.UTF8, "application/problem+json"),
        });
        var (plain, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("""{"title":"Forbidden","detail":"You do not have access to this workspace.","status":403}""", Encoding.UTF8, "application/problem+json"),
        });

        var denied = await client.GetSessionsAsync("w", new SessionQuery(), TestContext.Current.CancellationToken);
        var forbidden = await plain.GetSessionsAsync("w", new SessionQuery(), TestContext.Current.CancellationToken);

        Assert.Equal((ProxyFailureKind.CloudPermissionDenied, "The portal's cloud identity has no permission on this workspace.", "t-9"),
            (denied.Failure!.Kind, denied.Failure.Message, denied.Failure.TraceId));
        Assert.Equal(ProxyFailureKind.Forbidden, forbidden.Failure!.Kind);
    }

    [Fact]
    public async Task Ids_are_validated_before_they_reach_a_path()
    {
        var (client, recorder) = Create(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SetPinnedAsync("w", "..%2Fx", true, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetErrorGroupsAsync("a&b=c", TestContext.Current.CancellationToken));
        Assert.Empty(recorder.Requests);
    }
}
