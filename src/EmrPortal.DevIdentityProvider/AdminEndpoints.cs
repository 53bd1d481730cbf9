using System.Text.Json.Nodes;

namespace EmrPortal.DevIdentityProvider;

/// <summary>
/// What a test (or a person trying things out) does to the directory: revoke a user's sessions, mint a token of a
/// chosen shape, read per-user counters. Loopback callers only, and never through the Microsoft host names.
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var remote = http.Connection.RemoteIpAddress;
            var viaMicrosoftHost = ProviderOptions.MicrosoftHosts.Contains(http.Request.Host.Host, StringComparer.OrdinalIgnoreCase);
            return remote is not null && System.Net.IPAddress.IsLoopback(remote) && !viaMicrosoftHost
                ? await next(context)
                : Results.NotFound();
        });

        admin.MapPost("/users/{user}/revoke", (string user, ProviderState state) =>
            state.FindUser(user) is null
                ? Results.Problem($"No user '{user}'.", statusCode: 404)
                : Results.Json(new JsonObject { ["revokedRefreshTokens"] = state.Revoke(user) }));

        admin.MapGet("/stats", (ProviderState state) =>
        {
            var result = new JsonObject();
            foreach (var user in state.Options.Users)
            {
                var s = state.Stats(user.Key);
                result[user.Key] = new JsonObject
                {
                    ["signIns"] = s.SignIns,
                    ["codeRedemptions"] = s.CodeRedemptions,
                    ["refreshGrants"] = s.RefreshGrants,
                    ["refreshRefusals"] = s.RefreshRefusals,
                    ["signOuts"] = s.SignOuts,
                    ["activeSessions"] = state.ActiveSessions(user.Key),
                    ["lastTokenIssuedAt"] = s.LastTokenIssuedAt,
                };
            }

            return Results.Json(result);
        });

        admin.MapPost("/tokens", (MintRequest request, ProviderState state, TokenSigner signer) =>
        {
            var user = state.FindUser(request.User);
            if (user is null)
            {
                return Results.Problem($"No user '{request.User}'.", statusCode: 404);
            }

            var api = state.Options.Apis.FirstOrDefault();
            var client = state.Options.Clients.FirstOrDefault();
            var version = request.Version ?? api?.AccessTokenVersion ?? 2;
            var audience = request.Audience ?? (version == 1 ? api?.AppIdUri : api?.ClientId) ?? "";
            var issuedAt = state.Now - TimeSpan.FromSeconds(request.IssuedSecondsAgo ?? 0);
            var expires = issuedAt + (request.LifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : state.Options.AccessTokenLifetime);
            var token = signer.Sign(EntraClaims.AccessToken(user, new AccessTokenRequest(
                request.TenantId ?? state.TenantOf(user), audience, version, request.Scopes ?? "access_as_user",
                request.ClientId ?? client?.ClientId ?? "", issuedAt, expires)));
            return Results.Json(new JsonObject { ["access_token"] = token });
        });
        return app;
    }
}

/// <summary>A token to mint: the user plus anything that should differ from what the token endpoint would issue.</summary>
public sealed record MintRequest(
    string User,
    string? TenantId = null,
    string? Audience = null,
    int? Version = null,
    string? Scopes = null,
    string? ClientId = null,
    int? LifetimeSeconds = null,
    int? IssuedSecondsAgo = null);
