using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace EmrPortal.Web.Services;

/// <summary>The signed-in user of the current scope. Inside a circuit there is no HttpContext, so the circuit handler
/// below keeps this up to date; in a plain HTTP request (the CSV export) it falls back to the request's user.</summary>
public interface ICircuitUserAccessor
{
    ClaimsPrincipal User { get; }
}

public sealed class CircuitUserAccessor(IHttpContextAccessor httpContextAccessor) : ICircuitUserAccessor
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());
    private ClaimsPrincipal? _circuitUser;

    public ClaimsPrincipal User => _circuitUser ?? httpContextAccessor.HttpContext?.User ?? Anonymous;

    internal void SetUser(ClaimsPrincipal user) => _circuitUser = user;
}

/// <summary>Copies the circuit's authentication state into <see cref="CircuitUserAccessor"/> when the circuit connects
/// and whenever the state changes (e.g. the revalidating provider signs the user out).</summary>
public sealed class UserCircuitHandler(AuthenticationStateProvider authenticationStateProvider, CircuitUserAccessor accessor)
    : CircuitHandler, IDisposable
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authenticationStateProvider.AuthenticationStateChanged += OnAuthenticationChanged;
        return base.OnCircuitOpenedAsync(circuit, cancellationToken);
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authenticationStateProvider.GetAuthenticationStateAsync();
        accessor.SetUser(state.User);
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> task) => _ = UpdateAsync(task);

    private async Task UpdateAsync(Task<AuthenticationState> task)
    {
        try
        {
            accessor.SetUser((await task).User);
        }
        catch (InvalidOperationException)
        {
            // The provider had no state yet; the next connection-up event sets it.
        }
    }

    public void Dispose() => authenticationStateProvider.AuthenticationStateChanged -= OnAuthenticationChanged;
}
