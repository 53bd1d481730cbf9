namespace EmrPortal.Web.Extensions;

/// <summary>
/// Security headers on every response, from the first page (sign-in included). CSP: scripts only from this origin
/// (blazor.web.js, MudBlazor, portal.js; no inline script anywhere); inline styles are allowed because MudBlazor's
/// theme provider writes a &lt;style&gt; element. <c>connect-src 'self'</c> covers the circuit's WebSocket in CSP3
/// browsers. No framing by anyone. <c>form-action</c> also names the Entra sign-in origin in Entra mode: browsers
/// apply it to the redirects after a form post, and the sign-out form redirects to Entra's logout endpoint.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, string contentSecurityPolicy)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>Configuration key: further origins sign-out may redirect to (a sign-in page on a custom domain).</summary>
    public const string ExtraFormActionOriginsKey = "Authentication:SignInPageOrigins";

    /// <summary>The policy with the sign-in origins (e.g. https://login.microsoftonline.com) allowed as form targets.</summary>
    public static string PolicyFor(IEnumerable<string> signInOrigins)
    {
        var origins = signInOrigins
            .Select(o => Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return origins.Count == 0
            ? ContentSecurityPolicy
            : ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {string.Join(' ', origins)}", StringComparison.Ordinal);
    }

    /// <summary>Where the browser signs in and out: <c>AzureAd:Instance</c> (default: the public cloud) plus <see cref="ExtraFormActionOriginsKey"/>.</summary>
    public static IEnumerable<string> SignInOrigins(IConfiguration configuration) =>
        new[] { configuration["AzureAd:Instance"] is { Length: > 0 } instance ? instance : "https://login.microsoftonline.com/" }
            .Concat(configuration.GetSection(ExtraFormActionOriginsKey).Get<string[]>() ?? []);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.ContentSecurityPolicy = contentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-write=(self)";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}

public static class PipelineExtensions
{
    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        // First: everything after it (HSTS, cookies, redirects) sees the scheme the browser used.
        app.UseForwardedHeaders();
        // Before anything that sets a cookie: Secure on every cookie outside Development.
        app.UseCookiePolicy();
        var mode = app.Services.GetRequiredService<PortalAuthenticationMode>();
        app.UseMiddleware<SecurityHeadersMiddleware>(SecurityHeadersMiddleware.PolicyFor(
            mode.IsDemo ? [] : SecurityHeadersMiddleware.SignInOrigins(app.Configuration)));
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        // The portal's own page for an empty 4xx/5xx answer to a browser GET (unknown address, a refused or missing
        // CSV export: the export link is opened by the browser, so its refusal is a page too), keeping the status
        // code and the address. Answers with a body (ProblemDetails) are left alone. Only GET/HEAD: a refused POST
        // (e.g. a missing antiforgery token, 400) must stay a 400, not be re-executed as a POST to the page.
        app.UseWhen(context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method),
            branch => branch.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        // Routing after the status-code pages, explicitly: with WebApplication's implicit routing (first in the
        // pipeline) a re-executed request found no endpoint and answered an empty 404.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // After routing (it rewrites only documents rendered by Razor components): MudBlazor's rules inline, its
        // stylesheet off the critical path (docs/decisions.md#critical-path).
        app.UseMiddleware<CriticalStylesMiddleware>();
        return app;
    }
}
