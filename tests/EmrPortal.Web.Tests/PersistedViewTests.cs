using System.Security.Claims;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using EmrPortal.Web.Services;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>
/// What a prerendered (or paused) page hands to the next render of the same URL: the snapshot goes through JSON as
/// persistent component state does, and the state restored from it shows the same view without asking the proxy.
/// </summary>
public sealed class PersistedViewTests : IDisposable
{
    private const string Ws = "w-analytics";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly FakeProxyClient _proxy = new();
    private readonly FakeTimeProvider _time = new(FakeProxyClient.T0);
    private readonly List<IDisposable> _states = [];

    public void Dispose()
    {
        foreach (var state in _states) state.Dispose();
    }

    private SessionListState NewList()
    {
        var state = new SessionListState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
        _states.Add(state);
        return state;
    }

    private SessionDetailState NewDetail()
    {
        var state = new SessionDetailState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
        _states.Add(state);
        return state;
    }

    private static T RoundTrip<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!;

    [Fact]
    public async Task A_restored_list_shows_the_same_rows_query_and_pins_without_a_second_fetch()
    {
        _proxy.Pins.Add(new(Ws, "sc-002", FakeProxyClient.T0));
        var query = new SessionQuery { Sort = SortKeys.Name, Dir = SortDirections.Asc, Page = 2, PageSize = 10, Q = "etl" };
        var prerendered = NewList();
        await prerendered.SetUrlAsync(Ws, query, mineChoice: null);
        Assert.Single(_proxy.SessionRequests);

        _time.Advance(TimeSpan.FromSeconds(3));
        var interactive = NewList();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));
        await interactive.SetUrlAsync(Ws, query, mineChoice: null);

        Assert.Single(_proxy.SessionRequests);
        Assert.True(interactive.IsReady);
        Assert.Equal(prerendered.Query, interactive.Query);
        Assert.Equal(prerendered.Page!.Items.Select(s => s.SessionClusterId), interactive.Page!.Items.Select(s => s.SessionClusterId));
        Assert.Equal(prerendered.Page.TotalCount, interactive.Page.TotalCount);
        // Relative times keep the prerender's reference point: no text changes when the circuit takes over.
        Assert.Equal(FakeProxyClient.T0, interactive.Now);
        Assert.Equal(prerendered.PinnedKeys, interactive.PinnedKeys);
        Assert.Equal(prerendered.StateOptions, interactive.StateOptions);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    public async Task A_restored_list_resolves_the_viewers_mine_default_as_the_prerender_did(bool? choice, bool mine)
    {
        _proxy.Me = _proxy.Me with { CloudUserNames = ["alice"] };
        var prerendered = NewList();
        await prerendered.SetUrlAsync(Ws, new SessionQuery(), choice);

        var interactive = NewList();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));
        await interactive.SetUrlAsync(Ws, new SessionQuery(), choice);

        Assert.Single(_proxy.SessionRequests);
        Assert.Equal(mine, interactive.Query.Mine);
        Assert.True(interactive.ShowMineToggle);
        Assert.Equal(prerendered.MineForUrl(new SessionQuery { Page = 2 }), interactive.MineForUrl(new SessionQuery { Page = 2 }));
    }

    [Fact]
    public async Task A_restored_list_loads_when_the_url_asks_for_another_view()
    {
        var prerendered = NewList();
        await prerendered.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        var interactive = NewList();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));

        await interactive.SetUrlAsync(Ws, new SessionQuery { State = SessionStates.Error }, mineChoice: null);

        Assert.Equal(2, _proxy.SessionRequests.Count);
        Assert.Equal(SessionStates.Error, _proxy.SessionRequests.Last().Query.State);
        Assert.Equal(SessionStates.Error, interactive.Query.State);
    }

    [Fact]
    public async Task Only_a_shown_page_is_a_snapshot_never_a_transient_failure_or_a_load_in_flight()
    {
        var list = NewList();
        Assert.Null(list.ToSnapshot());

        _proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Unavailable, 503, "down", "t-1"));
        await list.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        // A failure worth retrying is not handed on: the next render asks again.
        Assert.NotNull(list.Failure);
        Assert.Null(list.ToSnapshot());

        _proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2)));
        await list.RetryAsync();
        Assert.NotNull(list.ToSnapshot());

        _proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = list.SetUrlAsync(Ws, new SessionQuery { Page = 2 }, mineChoice: null);
        Assert.Null(list.ToSnapshot());
        _proxy.Gate.SetResult();
        await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_refused_list_stays_refused_after_restore_without_asking_again_but_a_transient_failure_is_retried()
    {
        _proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Forbidden, 403, "No access.", "t-1"));
        var prerendered = NewList();
        await prerendered.SetUrlAsync("w-marketing", new SessionQuery(), mineChoice: null);

        var interactive = NewList();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));
        await interactive.SetUrlAsync("w-marketing", new SessionQuery(), mineChoice: null);

        Assert.Single(_proxy.SessionRequests);
        Assert.Equal(ProxyFailureKind.Forbidden, interactive.Failure?.Kind);
        Assert.Null(interactive.Page);

        _proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Unavailable, 503, "down", "t-2"));
        var transient = NewList();
        await transient.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        Assert.Null(transient.ToSnapshot());
    }

    [Fact]
    public async Task A_restored_detail_shows_the_same_session_timeline_and_permissions_without_a_second_fetch()
    {
        var session = FakeProxyClient.Session(Ws, "sc-001");
        _proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: true));
        _proxy.Pins.Add(new(Ws, "sc-001", FakeProxyClient.T0));
        var prerendered = NewDetail();
        await prerendered.ShowAsync(Ws, "sc-001");

        var interactive = NewDetail();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));
        await interactive.ShowAsync(Ws, "sc-001");

        Assert.Equal(1, _proxy.DetailCalls);
        Assert.True(interactive.IsReady);
        Assert.Equal(prerendered.Detail!.Summary.SessionClusterId, interactive.Detail!.Summary.SessionClusterId);
        Assert.Equal(prerendered.Detail.ApplicationConfigs?.Count, interactive.Detail.ApplicationConfigs?.Count);
        Assert.True(interactive.Pinned);
        Assert.Equal(prerendered.CanReveal, interactive.CanReveal);
        Assert.Equal(prerendered.CanStartStop, interactive.CanStartStop);
        Assert.Equal(prerendered.Timeline is null, interactive.Timeline is null);
        Assert.Equal(FakeProxyClient.T0, interactive.Now);
    }

    [Fact]
    public async Task A_not_found_detail_stays_not_found_after_restore_without_asking_again()
    {
        var prerendered = NewDetail();
        await prerendered.ShowAsync(Ws, "sc-missing");
        Assert.Equal(ProxyFailureKind.NotFound, prerendered.Failure?.Kind);

        var interactive = NewDetail();
        interactive.Restore(RoundTrip(prerendered.ToSnapshot()!));
        await interactive.ShowAsync(Ws, "sc-missing");

        Assert.Equal(1, _proxy.DetailCalls);
        Assert.Equal(ProxyFailureKind.NotFound, interactive.Failure?.Kind);
    }

    [Fact]
    public async Task Revealed_values_never_leave_the_circuit_as_a_snapshot()
    {
        var session = FakeProxyClient.Session(Ws, "sc-001");
        _proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: true));
        _proxy.Revealed = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(session, redacted: false));
        var state = NewDetail();
        await state.ShowAsync(Ws, "sc-001");
        Assert.NotNull(state.ToSnapshot());

        Assert.Null(await state.RevealAsync());

        Assert.True(state.Revealed);
        Assert.Null(state.ToSnapshot());
    }

    [Fact]
    public async Task The_callers_me_persisted_by_the_prerender_is_not_asked_again()
    {
        var prerendered = new PortalUserState(_proxy, new Viewer());
        Assert.Null(prerendered.Me);
        var me = (await prerendered.GetMeAsync(TestContext.Current.CancellationToken)).Value;

        var interactive = new PortalUserState(_proxy, new Viewer()) { Me = RoundTrip(prerendered.Me) };

        var restored = (await interactive.GetMeAsync(TestContext.Current.CancellationToken)).Value;
        Assert.Equal(me!.UserId, restored?.UserId);
        Assert.Equal(me.Workspaces, restored?.Workspaces);
        Assert.Equal(1, _proxy.MeCalls);
    }

    [Fact]
    public void Time_zone_and_theme_from_the_document_request_are_known_and_anything_else_is_ignored()
    {
        var browser = new BrowserInterop(new Bunit.BunitJSInterop().JSRuntime);
        browser.SetKnown("Europe/Berlin", "dark");
        Assert.Equal("Europe/Berlin", browser.KnownTimeZone?.Id);
        Assert.True(browser.KnownDarkMode);

        var unknown = new BrowserInterop(new Bunit.BunitJSInterop().JSRuntime);
        unknown.SetKnown("Not/AZone", "purple");
        Assert.Null(unknown.KnownTimeZone);
        Assert.Null(unknown.KnownDarkMode);
    }

    [Fact]
    public async Task A_page_too_large_for_the_circuits_hub_is_not_handed_on_and_is_fetched_again()
    {
        _proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, q.PageSize)));
        var small = NewList();
        await small.SetUrlAsync(Ws, new SessionQuery { PageSize = 25 }, mineChoice: null);
        var large = NewList();
        await large.SetUrlAsync(Ws, new SessionQuery { PageSize = 200 }, mineChoice: null);

        Assert.NotNull(small.ToSnapshot());
        Assert.True(large.IsReady);
        Assert.True(JsonSerializer.SerializeToUtf8Bytes(small.ToSnapshot(), Json).Length <= SessionListState.MaxSnapshotBytes);
        Assert.Null(large.ToSnapshot());
    }

    [Fact]
    public void Column_definitions_are_shared_by_every_circuit_not_copied_per_list()
    {
        Assert.Same(SessionColumns.For(allWorkspaces: false), SessionColumns.For(allWorkspaces: false));
        Assert.Same(SessionColumns.For(allWorkspaces: true), SessionColumns.For(allWorkspaces: true));
        Assert.Contains(SessionColumns.Workspace, SessionColumns.For(allWorkspaces: true));
        Assert.DoesNotContain(SessionColumns.Workspace, SessionColumns.For(allWorkspaces: false));
    }

    private sealed class Viewer : ICircuitUserAccessor
    {
        public ClaimsPrincipal User { get; } = new(new ClaimsIdentity([new Claim("oid", "viewer")], "test"));
    }
}
