using System.Security.Claims;
using EmrPortal.Web.Options;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Services;

/// <summary>
/// Re-checks an open circuit's user against the proxy (<c>/api/v1/me</c>) every few minutes, so a user whose access
/// was revoked (or whose Entra session ended) loses the circuit too, not only their next page load. A proxy that is
/// merely unavailable does not sign anybody out.
/// </summary>
public sealed partial class ProxyRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<PortalAuthenticationOptions> options) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ProxyRevalidatingAuthenticationStateProvider>();

    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true) return true;

        // Revalidation runs outside any circuit activity: give the check its own scope with this user.
        await using var scope = scopeFactory.CreateAsyncScope();
        if (scope.ServiceProvider.GetRequiredService<ICircuitUserAccessor>() is CircuitUserAccessor accessor) accessor.SetUser(user);
        var me = await scope.ServiceProvider.GetRequiredService<IProxyClient>().GetMeAsync(cancellationToken);
        var valid = me.Failure?.Kind is not ProxyFailureKind.SignInRequired;
        if (!valid) LogUserNoLongerValid(_logger);
        return valid;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A circuit's user is no longer accepted by the proxy; the circuit is signed out")]
    private static partial void LogUserNoLongerValid(ILogger logger);
}

/// <summary>What the proxy says about the circuit's user (<c>/api/v1/me</c>), loaded once per circuit.</summary>
public sealed class PortalUserState(IProxyClient proxy, ICircuitUserAccessor userAccessor)
{
    private Task<ProxyResult<Contracts.MeDto>>? _me;

    public ClaimsPrincipal User => userAccessor.User;

    public Task<ProxyResult<Contracts.MeDto>> GetMeAsync(CancellationToken cancellationToken)
    {
        // A failed call is not cached: the next caller retries.
        if (_me is { IsCompleted: true, Result.IsSuccess: false }) _me = null;
        return _me ??= proxy.GetMeAsync(cancellationToken);
    }
}
