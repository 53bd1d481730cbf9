using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Services;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>The list's state without a renderer: loads, cancellation, polling and auto-refresh on a fake clock.</summary>
public sealed class SessionListStateTests : IDisposable
{
    private const string Ws = "w-analytics";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeProxyClient _proxy = new();
    private readonly FakeTimeProvider _time = new(FakeProxyClient.T0);
    private readonly SessionListState _state;

    public SessionListStateTests()
    {
        _state = new SessionListState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
    }

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task The_same_url_loads_once_and_the_list_is_ready_with_the_page()
    {
        await _state.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        await _state.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);

        Assert.Single(_proxy.SessionRequests);
        Assert.True(_state.IsReady);
        Assert.Equal(3, _state.Page!.Items.Count);
        Assert.Equal(FakeProxyClient.T0, _state.Now);
    }

    [Fact]
    public async Task A_newer_query_cancels_the_load_it_overtakes_and_only_the_newer_page_is_shown()
    {
        _proxy.Sessions = (ws, q, _) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2, q.State ?? SessionStates.Running)));
        _proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _state.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        var second = _state.SetUrlAsync(Ws, new SessionQuery { State = SessionStates.Error }, mineChoice: null);

        Assert.False(_state.IsReady);
        Assert.True(_proxy.SessionRequests.First().Token.IsCancellationRequested);
        Assert.False(_proxy.SessionRequests.Last().Token.IsCancellationRequested);
        _proxy.Gate.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.True(_state.IsReady);
        Assert.Equal(SessionStates.Error, _state.Query.State);
        Assert.All(_state.Page!.Items, s => Assert.Equal(SessionStates.Error, s.State));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Mine_is_the_urls_choice_else_the_default_of_a_viewer_with_a_cloud_user(bool? choice, bool expected)
    {
        _proxy.Me = _proxy.Me with { CloudUserNames = ["alice"] };

        await _state.SetUrlAsync(Ws, new SessionQuery(), choice);

        Assert.Equal(expected, _state.Query.Mine);
        Assert.Equal(expected, _proxy.SessionRequests.Single().Query.Mine);
        Assert.True(_state.ShowMineToggle);
    }

    [Fact]
    public void Url_parameters_leave_defaults_out_and_write_only_an_explicit_mine_choice()
    {
        var defaults = SessionListState.UrlParameters(new SessionQuery { Mine = true }, mineChoice: null);
        Assert.All(defaults.Values, Assert.Null);

        var changed = SessionListState.UrlParameters(new SessionQuery { Page = 3, Sort = SortKeys.Name, Dir = SortDirections.Asc, Q = "etl" }, mineChoice: false);
        Assert.Equal(3, changed[QueryNames.Page]);
        Assert.Equal(SortKeys.Name, changed[QueryNames.Sort]);
        Assert.Equal(SortDirections.Asc, changed[QueryNames.Dir]);
        Assert.Equal("etl", changed[QueryNames.Q]);
        Assert.Equal("false", changed[QueryNames.Mine]);
        Assert.Null(changed[QueryNames.PageSize]);
    }

    [Fact]
    public async Task Sorting_flips_the_same_column_starts_another_in_its_natural_direction_and_goes_to_page_one()
    {
        await _state.SetUrlAsync(Ws, new SessionQuery { Page = 4, Sort = SortKeys.Name, Dir = SortDirections.Asc, State = SessionStates.Running }, null);

        Assert.Equal(new SessionQuery { Sort = SortKeys.Name, Dir = SortDirections.Desc, State = SessionStates.Running }, _state.Sorted(SortKeys.Name));
        Assert.Equal(new SessionQuery { Sort = SortKeys.StartTime, Dir = SortDirections.Desc, State = SessionStates.Running }, _state.Sorted(SortKeys.StartTime));
        Assert.Equal(new SessionQuery { Sort = SortKeys.Name, Dir = SortDirections.Asc }, _state.WithoutFilters());
        Assert.True(_state.HasFilters);
    }

    [Fact]
    public async Task Auto_refresh_reloads_on_the_injected_clock_marks_changed_rows_and_stops_when_turned_off()
    {
        _proxy.Sessions = (ws, q, n) => ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q,
            [FakeProxyClient.Session(ws!, "sc-001", n == 1 ? SessionStates.Starting : SessionStates.Running), FakeProxyClient.Session(ws!, "sc-002")]));
        await _state.SetUrlAsync(Ws, new SessionQuery(), null);
        var refreshed = Signal();

        _state.SetAutoRefresh(true);
        _time.Advance(SessionListState.AutoRefreshInterval - TimeSpan.FromSeconds(1));
        Assert.Single(_proxy.SessionRequests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await refreshed().WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(2, _proxy.SessionRequests.Count);
        Assert.Equal(["sc-001"], _state.ChangedIds);
        Assert.Equal(FakeProxyClient.T0 + SessionListState.AutoRefreshInterval, _state.Now);

        _state.SetAutoRefresh(false);
        Assert.Empty(_state.ChangedIds);
        _time.Advance(SessionListState.AutoRefreshInterval * 3);
        Assert.Equal(2, _proxy.SessionRequests.Count);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_rows_on_screen()
    {
        _proxy.Sessions = (ws, q, n) => n == 1
            ? ProxyResult<SessionPageDto>.Success(FakeProxyClient.Page(q, FakeProxyClient.Sample(ws!, 2)))
            : ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.Unavailable, 503, "Down", null));
        await _state.SetUrlAsync(Ws, new SessionQuery(), null);
        var refreshed = Signal();

        _state.SetAutoRefresh(true);
        _time.Advance(SessionListState.AutoRefreshInterval);
        await refreshed().WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Null(_state.Failure);
        Assert.Equal(2, _state.Page!.Items.Count);
        Assert.True(_state.IsReady);
    }

    [Fact]
    public async Task A_cold_workspace_shows_scan_progress_until_its_page_arrives()
    {
        _proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _proxy.Scan = new(Ws, ScanStates.Scanning, 4300, 10000, null);
        var polled = Signal();
        var load = _state.SetUrlAsync(Ws, new SessionQuery(), null);

        Assert.Null(_state.Scan);
        _time.Advance(SessionListState.ScanPollInterval);
        await polled().WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal(4300, _state.Scan!.Loaded);
        Assert.True(_state.Loading);

        _proxy.Gate.SetResult();
        await load.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Null(_state.Scan);
        Assert.True(_state.IsReady);
    }

    [Fact]
    public async Task A_lost_sign_in_asks_the_component_to_sign_in_again_instead_of_showing_an_error()
    {
        var asked = 0;
        _state.SignInRequired = () => asked++;
        _proxy.Sessions = (_, _, _) => ProxyResult<SessionPageDto>.Fail(new(ProxyFailureKind.SignInRequired, 401, "Sign in", null));

        await _state.SetUrlAsync(Ws, new SessionQuery(), null);

        Assert.Equal(1, asked);
        Assert.Null(_state.Failure);
        Assert.False(_state.IsReady);
    }

    [Fact]
    public async Task An_invalid_workspace_id_never_reaches_the_proxy()
    {
        await _state.SetUrlAsync("../w-other", new SessionQuery(), null);

        Assert.Empty(_proxy.SessionRequests);
    }

    [Fact]
    public async Task Toggling_a_pin_updates_the_pinned_keys_with_the_clocks_time()
    {
        await _state.SetUrlAsync(Ws, new SessionQuery(), null);
        var row = _state.Page!.Items[0];
        Assert.Empty(_state.PinnedKeys!);

        var (pin, failure) = await _state.TogglePinAsync(row);

        Assert.True(pin);
        Assert.Null(failure);
        Assert.Equal([SessionListState.PinKey(Ws, row.SessionClusterId)], _state.PinnedKeys!);
        Assert.Equal(FakeProxyClient.T0, _state.Pins!.Single().PinnedAt);
        Assert.False((await _state.TogglePinAsync(row)).Pin);
        Assert.Empty(_state.PinnedKeys!);
    }

    [Fact]
    public async Task Disposing_cancels_the_load_in_flight()
    {
        _proxy.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = _state.SetUrlAsync(Ws, new SessionQuery(), null);

        _state.Dispose();

        Assert.True(_proxy.SessionRequests.Single().Token.IsCancellationRequested);
        await load.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Null(_state.Page);
    }

    /// <summary>Completes the returned task's task the next time a background change (poll, refresh) has run.</summary>
    private Func<Task> Signal()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _state.OnBackgroundChange = async change =>
        {
            await change();
            done.TrySetResult();
        };
        return () => done.Task;
    }

    private sealed class Viewer : ICircuitUserAccessor
    {
        public ClaimsPrincipal User { get; } = new(new ClaimsIdentity([new Claim("oid", "viewer")], "test"));
    }
}
