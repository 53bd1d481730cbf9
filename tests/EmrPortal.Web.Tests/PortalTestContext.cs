using System.Security.Claims;
using Bunit.TestDoubles;
using EmrPortal.Web.Extensions;
using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace EmrPortal.Web.Tests;

/// <summary>A bUnit context wired like a circuit: MudBlazor, the fake proxy, a fake clock, loose JS interop.</summary>
public abstract class PortalTestContext : BunitContext
{
    protected FakeProxyClient Proxy { get; } = new();
    protected FakeNotificationsClient NotificationsApi { get; } = new();
    protected FakeTimeProvider Time { get; } = new(FakeProxyClient.T0);
    protected BunitAuthorizationContext Auth { get; }

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddSingleton<IProxyClient>(Proxy);
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<ICircuitUserAccessor>(new FixedUser());
        Services.AddScoped<BrowserInterop>();
        Services.AddScoped<ListViewState>();
        Services.AddScoped<PortalUserState>();
        Services.AddSingleton<INotificationsClient>(NotificationsApi);
        Services.AddSingleton<UnreadCounts>();
        Services.AddScoped<MyNotifications>();
        Services.AddSingleton(new PortalAuthenticationMode(AuthenticationModes.Demo));
        Services.AddScoped<SessionEndState>();
        Auth = AddAuthorization();
        Auth.SetAuthorized("Vic Viewer");
        Auth.SetRoles("Portal.Viewer");
        // As in a circuit (pages tell prerendered from interactive renders: data-ready means interactive).
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    protected BunitNavigationManager FakeNavigation => (BunitNavigationManager)Navigation;

    /// <summary>The current URL's path and query, e.g. "/workspaces/w/sessions?sort=name".</summary>
    protected string CurrentPathAndQuery => new Uri(Navigation.Uri).PathAndQuery;

    protected void AsAdmin()
    {
        Proxy.Me = new("admin", "Ada Admin", ["Portal.Admin"], [], IsAdmin: true);
        Auth.SetAuthorized("Ada Admin");
        Auth.SetRoles("Portal.Admin");
    }

    private sealed class FixedUser : ICircuitUserAccessor
    {
        public ClaimsPrincipal User { get; } = new(new ClaimsIdentity([new Claim("oid", "viewer"), new Claim("name", "Vic Viewer")], "test", "name", "roles"));
    }
}
