using System.Security.Claims;
using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;

namespace EmrPortal.Web.Extensions;

public static class AuthenticationExtensions
{
    private const string SignedInAtKey = ".emrportal.signedInAt";

    /// <summary>The mode the configuration asks for. Demo is never a default, and never combined with Entra settings.</summary>
    public static string ResolveMode(IConfiguration configuration)
    {
        var mode = configuration[$"{PortalAuthenticationOptions.Section}:Mode"];
        var entraConfigured = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]);
        if (string.Equals(mode, AuthenticationModes.Demo, StringComparison.OrdinalIgnoreCase))
        {
            if (entraConfigured)
                throw new InvalidOperationException("Authentication:Mode=Demo is refused because Entra settings (AzureAd:ClientId) are configured. Remove one of them.");
            return AuthenticationModes.Demo;
        }
        if (string.IsNullOrEmpty(mode) || string.Equals(mode, AuthenticationModes.Entra, StringComparison.OrdinalIgnoreCase))
        {
            if (!entraConfigured)
                throw new InvalidOperationException("No sign-in is configured: set the AzureAd section (Entra ID) or, for local use only, Authentication:Mode=Demo.");
            return AuthenticationModes.Entra;
        }
        throw new InvalidOperationException("Authentication:Mode must be 'Entra' or 'Demo'.");
    }

    public static void AddPortalAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var mode = ResolveMode(builder.Configuration);
        if (mode == AuthenticationModes.Demo)
        {
            DemoInProduction.Guard(builder, "anyone could sign in as any demo user");
        }

        services.AddOptions<PortalAuthenticationOptions>()
            .BindConfiguration(PortalAuthenticationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AbsoluteTimeout >= o.IdleTimeout, "Authentication:AbsoluteTimeout must not be shorter than IdleTimeout.")
            .Validate(o => mode != AuthenticationModes.Demo || !string.IsNullOrWhiteSpace(o.Demo.PrivateKeyPem),
                "Authentication:Demo:PrivateKeyPem is required in demo mode (the AppHost generates one per run).")
            .ValidateOnStart();
        services.AddSingleton(new PortalAuthenticationMode(mode));

        if (mode == AuthenticationModes.Demo)
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            services.AddSingleton<DemoTokenIssuer>();
            services.AddScoped<IProxyTokenSource, DemoProxyTokenSource>();
        }
        else
        {
            var scopes = builder.Configuration.GetSection($"{ProxyOptions.Section}:Scopes").Get<string[]>() ?? [];
            services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(o =>
                {
                    builder.Configuration.Bind("AzureAd", o);
                    o.MapInboundClaims = false;
                    o.TokenValidationParameters.NameClaimType = PortalClaims.Name;
                    o.TokenValidationParameters.RoleClaimType = PortalClaims.Roles;
                })
                .EnableTokenAcquisitionToCallDownstreamApi(scopes)
                .AddDistributedTokenCaches();
            // Refresh tokens sit in the (possibly shared) cache: encrypt them with the data-protection keys.
            services.Configure<MsalDistributedTokenCacheAdapterOptions>(o => o.Encrypt = true);
            services.AddScoped<IProxyTokenSource, EntraProxyTokenSource>();
        }

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<PortalAuthenticationOptions>, IHostEnvironment, TimeProvider>((cookie, auth, env, time) =>
                ConfigureCookie(cookie, auth.Value, env, time, mode));

        // Every cookie the portal sets (auth, antiforgery, the OpenID Connect correlation and nonce cookies, anything a
        // library adds) is Secure outside Development, even when the app sees plain http behind a TLS-terminating proxy
        // that forwards no scheme: the cookie policy middleware enforces it for all of them. (Not through
        // AntiforgeryOptions: with SecurePolicy=Always antiforgery refuses to work at all on a request it sees as http.)
        services.AddOptions<CookiePolicyOptions>().Configure<IHostEnvironment>((o, env) => o.Secure = SecurePolicy(env));

        services.AddSingleton<PortalSessionStore>();
        services.AddScoped<SessionEndState>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, SessionActivityCircuitHandler>();

        services.AddAuthorizationBuilder()
            // Every endpoint needs a signed-in user unless it says otherwise (sign-in page, static assets, health).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCircuitUser();
    }

    /// <summary>Secure cookies everywhere but Development (which may run on plain http://localhost).</summary>
    internal static CookieSecurePolicy SecurePolicy(IHostEnvironment env) =>
        env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, PortalAuthenticationOptions auth, IHostEnvironment env, TimeProvider time, string mode)
    {
        cookie.Cookie.Name = "EmrPortal.Auth";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = SecurePolicy(env);
        cookie.ExpireTimeSpan = auth.IdleTimeout;
        cookie.SlidingExpiration = true;
        cookie.TimeProvider = time;
        cookie.ReturnUrlParameter = "returnUrl";
        if (mode == AuthenticationModes.Demo)
        {
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/authentication/logout";
            cookie.AccessDeniedPath = "/signin";
        }

        var onSigningIn = cookie.Events.OnSigningIn;
        cookie.Events.OnSigningIn = async context =>
        {
            // Sliding renewals reset IssuedUtc; the absolute timeout counts from this first sign-in instead.
            context.Properties.Items.TryAdd(SignedInAtKey, time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            // A first sign-in gets a server-side session record; the cookie carries only its id.
            if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == PortalSessionStore.SessionIdClaim))
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessionStore>();
                var sessionId = await sessions.CreateAsync(context.Principal.UserId() ?? "", context.HttpContext.RequestAborted);
                identity.AddClaim(new Claim(PortalSessionStore.SessionIdClaim, sessionId));
            }

            await onSigningIn(context);
        };
        var onSigningOut = cookie.Events.OnSigningOut;
        cookie.Events.OnSigningOut = async context =>
        {
            // Ends the session for every cookie copy, tab and instance, not just this browser's cookie.
            var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessionStore>();
            await sessions.RevokeAsync(PortalSessionStore.SessionIdOf(context.HttpContext.User), context.HttpContext.RequestAborted);
            await onSigningOut(context);
        };
        var onValidate = cookie.Events.OnValidatePrincipal;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            if (!context.Properties.Items.TryGetValue(SignedInAtKey, out var value)
                || !DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var signedInAt)
                || time.GetUtcNow() - signedInAt > auth.AbsoluteTimeout)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return;
            }

            // The server-side record decides: revoked (signed out anywhere) or idle/absolute timeout → signed out.
            var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessionStore>();
            if (!await sessions.TouchAsync(PortalSessionStore.SessionIdOf(context.Principal), context.HttpContext.RequestAborted))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return;
            }

            await onValidate(context);
        };
    }
}

/// <summary>The sign-in mode this process runs in (<see cref="AuthenticationModes"/>).</summary>
public sealed record PortalAuthenticationMode(string Mode)
{
    public bool IsDemo => Mode == AuthenticationModes.Demo;
}
