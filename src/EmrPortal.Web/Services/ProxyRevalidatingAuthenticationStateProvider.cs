using System.Security.Claims;
using EmrPortal.Web.Options;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Services;

/// <summary>
/// Re-checks an open circuit's user every <see cref="PortalAuthenticationOptions.RevalidationInterval"/> (30 s): first
/// the server-side sign-in session (<see cref="PortalSessionStore"/>: signed out in another tab or on another
/// instance, idle or absolute timeout → the circuit is signed out and goes to the signed-out page), and every
/// <see cref="PortalAuthenticationOptions.ProxyRecheckInterval"/> the proxy (<c>/api/v1/me</c>), so a user whose
/// access was revoked loses the circuit too. A proxy that is merely unavailable does not sign anybody out.
/// </summary>
public sealed partial class ProxyRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<PortalAuthenticationOptions> options,
    PortalSessionStore sessions,
    SessionEndState sessionEnd,
    TimeProvider time) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ProxyRevalidatingAuthenticationStateProvider>();
    private DateTimeOffset _lastProxyCheck = time.GetUtcNow();

    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        ValidateAsync(authenticationState.User, cancellationToken);

    /// <summary>One revalidation of the circuit's user (what the base class calls every interval).</summary>
    public async Task<bool> ValidateAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Identity?.IsAuthenticated != true) return true;

        if (!await sessions.IsLiveAsync(PortalSessionStore.SessionIdOf(user), cancellationToken))
        {
            sessionEnd.Ended = true;
            LogSessionEnded(_logger);
            return false;
        }

        var now = time.GetUtcNow();
        if (now - _lastProxyCheck < options.Value.ProxyRecheckInterval) return true;
        _lastProxyCheck = now;

        // Revalidation runs outside any circuit activity: give the check its own scope with this user.
        await using var scope = scopeFactory.CreateAsyncScope();
        if (scope.ServiceProvider.GetRequiredService<ICircuitUserAccessor>() is CircuitUserAccessor accessor) accessor.SetUser(user);
        var me = await scope.ServiceProvider.GetRequiredService<IProxyClient>().GetMeAsync(cancellationToken);
        var valid = me.Failure?.Kind is not ProxyFailureKind.SignInRequired;
        if (!valid) LogUserNoLongerValid(_logger);
        return valid;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A circuit's sign-in session ended (signed out elsewhere or timed out); the circuit is signed out")]
    private static partial void LogSessionEnded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A circuit's user is no longer accepted by the proxy; the circuit is signed out")]
    private static partial void LogUserNoLongerValid(ILogger logger);
}

/// <summary>What the proxy says about the circuit's user (<c>/api/v1/me</c>), loaded once per circuit. A persistent
/// service: the answer the prerender got travels to the circuit (and through a paused circuit), so it is asked once.</summary>
public sealed class PortalUserState(IProxyClient proxy, ICircuitUserAccessor userAccessor)
{
    private Task<ProxyResult<Contracts.MeDto>>? _me;

    public ClaimsPrincipal User => userAccessor.User;

    /// <summary>The proxy's last successful answer (persisted component state); null until there is one.</summary>
    [PersistentState]
    public Contracts.MeDto? Me
    {
        get => _me is { IsCompletedSuccessfully: true, Result.Value: { } me } ? me : null;
        set => _me = value is null ? null : Task.FromResult(ProxyResult<Contracts.MeDto>.Success(value));
    }

    public Task<ProxyResult<Contracts.MeDto>> GetMeAsync(CancellationToken cancellationToken)
    {
        // A failed call is not cached: the next caller retries.
        if (_me is { IsCompleted: true, Result.IsSuccess: false }) _me = null;
        return _me ??= proxy.GetMeAsync(cancellationToken);
    }
}
