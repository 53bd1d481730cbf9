using System.Security.Claims;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Web.Extensions;

/// <summary>
/// <c>/authentication/login</c> and <c>/authentication/logout</c> for both modes, plus the demo sign-in POST.
/// Return URLs are local only (<see cref="LocalUrl"/>): an absolute one is replaced by "/", so nothing here can be
/// used as an open redirect, and deep links (path + query) survive the round trip.
/// </summary>
public static class AuthenticationEndpoints
{
    public static IEndpointRouteBuilder MapAuthenticationEndpoints(this IEndpointRouteBuilder app)
    {
        var mode = app.ServiceProvider.GetRequiredService<PortalAuthenticationMode>();
        var group = app.MapGroup("/authentication").AllowAnonymous();

        group.MapGet("/login", (string? returnUrl) =>
        {
            var target = LocalUrl.OrDefault(returnUrl);
            return mode.IsDemo
                ? Results.Redirect("/signin?returnUrl=" + Uri.EscapeDataString(target))
                : TypedResults.Challenge(new AuthenticationProperties { RedirectUri = target }, [OpenIdConnectDefaults.AuthenticationScheme]);
        });

        group.MapPost("/logout", ([FromForm] string? returnUrl) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = mode.IsDemo ? "/signin" : LocalUrl.OrDefault(returnUrl) };
            return mode.IsDemo
                ? TypedResults.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme])
                : TypedResults.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        });

        if (mode.IsDemo)
        {
            // The form on /signin posts here (antiforgery is validated for form-bound minimal APIs).
            app.MapPost("/signin/demo", SignInDemoUser).AllowAnonymous();
        }
        return app;
    }

    internal static Results<SignInHttpResult, RedirectHttpResult> SignInDemoUser([FromForm] string? user, [FromForm] string? returnUrl)
    {
        var target = LocalUrl.OrDefault(returnUrl);
        var demoUser = DemoUsers.Find(user);
        if (demoUser is null) return TypedResults.Redirect("/signin?error=unknown-user&returnUrl=" + Uri.EscapeDataString(target));
        ClaimsPrincipal principal = DemoUsers.ToPrincipal(demoUser, CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.SignIn(principal, new AuthenticationProperties { RedirectUri = target, IsPersistent = false },
            CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
