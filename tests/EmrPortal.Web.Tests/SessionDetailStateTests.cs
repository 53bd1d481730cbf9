using System.Security.Claims;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.Sessions;
using EmrPortal.Web.Services;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>The detail page's state without a renderer.</summary>
public sealed class SessionDetailStateTests : IDisposable
{
    private const string Ws = "w-analytics";

    private readonly FakeProxyClient _proxy = new();
    private readonly FakeTimeProvider _time = new(FakeProxyClient.T0);
    private readonly SessionDetailState _state;
    private readonly SessionSummaryDto _session = FakeProxyClient.Session(Ws, "sc-001");

    public SessionDetailStateTests()
    {
        _proxy.Detail = ProxyResult<SessionDetailDto>.Success(FakeProxyClient.DetailOf(_session, redacted: true));
        _state = new SessionDetailState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
    }

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task The_same_session_loads_once_and_a_retry_loads_again()
    {
        await _state.ShowAsync(Ws, "sc-001");
        await _state.ShowAsync(Ws, "sc-001");
        Assert.Equal(1, _proxy.DetailCalls);
        Assert.True(_state.IsReady);
        Assert.Equal(FakeProxyClient.T0, _state.Now);

        _time.Advance(TimeSpan.FromMinutes(1));
        await _state.LoadAsync();
        Assert.Equal(2, _proxy.DetailCalls);
        Assert.Equal(FakeProxyClient.T0.AddMinutes(1), _state.Now);
    }

    [Fact]
    public async Task Invalid_ids_never_reach_the_proxy()
    {
        await _state.ShowAsync(Ws, "..%2Fsc-001");

        Assert.Equal(0, _proxy.DetailCalls);
        Assert.False(_state.IdsAreValid);
        Assert.False(_state.IsReady);
    }

    [Fact]
    public async Task Reveal_and_start_stop_are_offered_only_as_the_proxy_says()
    {
        await _state.ShowAsync(Ws, "sc-001");
        Assert.False(_state.CanReveal);
        Assert.False(_state.CanStartStop);

        _proxy.Me = new("admin", "Ada Admin", [PortalRoles.Admin], [], IsAdmin: true) { CanStartStop = true };
        using var admin = new SessionDetailState(_proxy, new PortalUserState(_proxy, new Viewer()), _time);
        await admin.ShowAsync(Ws, "sc-001");
        Assert.True(admin.CanReveal);
        Assert.True(admin.CanStartStop);
    }

    [Fact]
    public async Task A_refused_reveal_keeps_the_redacted_values_and_says_why()
    {
        await _state.ShowAsync(Ws, "sc-001");

        var failure = await _state.RevealAsync();

        Assert.Equal("Admins only.", failure);
        Assert.False(_state.Revealed);
        Assert.True(_state.Detail!.Redacted);
    }

    [Fact]
    public async Task Pinning_flips_the_pin_through_the_proxy()
    {
        await _state.ShowAsync(Ws, "sc-001");
        Assert.False(_state.Pinned);

        var (pin, failure) = await _state.TogglePinAsync();

        Assert.True(pin);
        Assert.Null(failure);
        Assert.True(_state.Pinned);
        Assert.Equal((Ws, "sc-001", true), _proxy.PinRequests.Single());
    }

    [Fact]
    public async Task A_lost_sign_in_asks_the_page_to_sign_in_again()
    {
        var asked = 0;
        _state.SignInRequired = () => asked++;
        _proxy.Detail = ProxyResult<SessionDetailDto>.Fail(new(ProxyFailureKind.SignInRequired, 401, "Sign in", null));

        await _state.ShowAsync(Ws, "sc-001");

        Assert.Equal(1, asked);
        Assert.Null(_state.Failure);
    }

    private sealed class Viewer : ICircuitUserAccessor
    {
        public ClaimsPrincipal User { get; } = new(new ClaimsIdentity([new Claim("oid", "viewer")], "test"));
    }
}
