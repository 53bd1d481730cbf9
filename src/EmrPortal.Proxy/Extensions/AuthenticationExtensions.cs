using System.Security.Cryptography;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Extensions;

/// <summary>
/// One bearer pipeline for every <c>/api</c> route. <c>Authentication:Mode</c> = <c>Entra</c> (default; Microsoft
/// Identity Web validates issuer, signature, audience) or <c>Demo</c> (explicit only: ES256 tokens from the Web app's
/// demo sign-in, checked with the public key this proxy is given). Either way the caller must carry the API scope
/// (<c>scp</c>) or, for app-only tokens, an accepted app permission.
/// </summary>
public static class AuthenticationExtensions
{
    public const string ModeKey = "Authentication:Mode";
    public const string EntraMode = "Entra";
    public const string DemoMode = "Demo";
    public const string DemoIssuer = "emrportal-demo";
    public const string DemoAudience = "api://emrportal-proxy";
    public const string DefaultScope = "access_as_user";
    public static readonly TimeSpan MaxDemoTokenLifetime = TimeSpan.FromMinutes(10);

    public static IHostApplicationBuilder AddPortalAuthentication(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var mode = config[ModeKey] ?? EntraMode;
        var requiredScope = config["Authentication:RequiredScope"] is { Length: > 0 } s ? s : DefaultScope;
        var appPermissions = config.GetSection("Authentication:AppPermissions").Get<string[]>() is { Length: > 0 } p
            ? p
            : [PortalRoles.Admin, PortalRoles.Viewer];

        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        if (string.Equals(mode, EntraMode, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(config["AzureAd:ClientId"]))
            {
                throw new InvalidOperationException(
                    "Authentication:Mode is Entra (the default) but AzureAd:ClientId is not set. Configure the AzureAd section " +
                    "(Instance, TenantId, ClientId, Audience) or, for local runs only, set Authentication:Mode=Demo with Authentication:Demo:PublicKeyPem.");
            }

            authentication.AddMicrosoftIdentityWebApi(config.GetSection("AzureAd"), JwtBearerDefaults.AuthenticationScheme);
        }
        else if (string.Equals(mode, DemoMode, StringComparison.OrdinalIgnoreCase))
        {
            DemoInProduction.Guard(builder, "demo tokens are no sign-in, this proxy would trust anyone who reaches the portal");

            if (!string.IsNullOrWhiteSpace(config["AzureAd:ClientId"]))
            {
                throw new InvalidOperationException(
                    "Authentication:Mode=Demo is refused because Entra settings (AzureAd:ClientId) are present. Remove one of them.");
            }

            var pem = config["Authentication:Demo:PublicKeyPem"];
            if (string.IsNullOrWhiteSpace(pem))
            {
                throw new InvalidOperationException("Authentication:Mode=Demo needs Authentication:Demo:PublicKeyPem (the Web app's demo signing key, public part).");
            }

            var key = new ECDsaSecurityKey(ImportPublicKey(pem));
            authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = DemoIssuer,
                    ValidAudience = DemoAudience,
                    IssuerSigningKey = key,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = DemoClockSkew,
                };
                o.Events = new JwtBearerEvents { OnTokenValidated = RejectLongLivedDemoTokens };
            });
        }
        else
        {
            throw new InvalidOperationException("Authentication:Mode must be Entra or Demo.");
        }

        // Claims exactly as issued (oid, roles, groups, scp), whichever mode validated the token.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.MapInboundClaims = false;
            // Nothing reads the bearer token back from the authentication properties: do not copy it there per request.
            o.SaveToken = false;
            o.TokenValidationParameters.NameClaimType = Caller.NameClaim;
            o.TokenValidationParameters.RoleClaimType = Caller.RolesClaim;
            // Each token's signature is verified once; later requests with the same token are served from a bounded
            // cache of validated tokens (by exp and by the keys trusted now; docs/decisions.md). The system clock, as the
            // validator's own lifetime check uses.
            for (var i = 0; i < o.TokenHandlers.Count; i++)
            {
                if (o.TokenHandlers[i] is not CachingTokenHandler)
                {
                    o.TokenHandlers[i] = new CachingTokenHandler(o.TokenHandlers[i], TimeProvider.System);
                }
            }
        });

        // App-only (client credentials) tokens carry no scp; in Entra mode they need an app permission (an app role
        // granted to the calling application). Demo tokens are always user tokens, so there the scope is mandatory.
        var acceptAppTokens = string.Equals(mode, EntraMode, StringComparison.OrdinalIgnoreCase);
        // No scheme named on the policy: the bearer scheme is the only and default one, so the principal the authentication
        // middleware set is the one to check (naming it made the policy evaluator authenticate again and copy the
        // principal on every request; docs/decisions.md).
        var apiPolicy = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx =>
                Caller.HasScope(ctx.User, requiredScope)
                || (acceptAppTokens
                    && !ctx.User.HasClaim(c => c.Type == Caller.ScopeClaim)
                    && ctx.User.FindAll(Caller.RolesClaim).Any(r => appPermissions.Contains(r.Value, StringComparer.Ordinal))))
            .Build();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(apiPolicy)
            .SetFallbackPolicy(apiPolicy);
        return builder;
    }

    private static ECDsa ImportPublicKey(string pem)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("Authentication:Demo:PublicKeyPem is not a PEM-encoded EC public key.");
        }

        if (ecdsa.KeySize != 256)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("Authentication:Demo:PublicKeyPem must be a P-256 key (ES256).");
        }

        return ecdsa;
    }

    /// <summary>
    /// Demo tokens are short-lived by contract: anything valid for more than 10 minutes is refused — counted from the
    /// server's clock now, not from the token's own <c>iat</c> (a token claiming to be issued in the future would
    /// otherwise stay valid for as long as its issuer liked).
    /// </summary>
    private static Task RejectLongLivedDemoTokens(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            context.Fail("Unexpected token type.");
            return Task.CompletedTask;
        }

        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var start = token.IssuedAt != DateTime.MinValue ? token.IssuedAt : token.ValidFrom;
        if (start == DateTime.MinValue || token.ValidTo == DateTime.MinValue || token.ValidTo - start > MaxDemoTokenLifetime)
        {
            context.Fail("Demo tokens must carry iat (or nbf) and exp at most 10 minutes apart.");
        }
        else if (token.ValidTo - now > MaxDemoTokenLifetime + DemoClockSkew || start - now > DemoClockSkew)
        {
            context.Fail("Demo tokens may be valid for at most 10 minutes from now and may not be issued in the future.");
        }

        return Task.CompletedTask;
    }

    private static readonly TimeSpan DemoClockSkew = TimeSpan.FromSeconds(30);
}
