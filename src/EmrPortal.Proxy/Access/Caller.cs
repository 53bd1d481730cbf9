using System.Security.Claims;
using EmrPortal.Contracts;

namespace EmrPortal.Proxy.Access;

/// <summary>The authenticated user as the proxy sees it: id, display name, app roles and group ids from the token.</summary>
internal sealed record Caller(string UserId, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups)
{
    /// <summary>Entra's overage indicators: <c>_claim_names</c> naming "groups" (JWT) or <c>hasgroups</c> (implicit flow).</summary>
    public const string ClaimNamesClaim = "_claim_names";
    public const string HasGroupsClaim = "hasgroups";

    public const string ObjectIdClaim = "oid";
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string PreferredUserNameClaim = "preferred_username";
    public const string RolesClaim = "roles";
    public const string GroupsClaim = "groups";
    public const string ScopeClaim = "scp";

    public bool IsAdmin => Roles.Contains(PortalRoles.Admin, StringComparer.Ordinal);

    /// <summary>The token named no groups because the user is in too many of them: group mappings cannot apply.</summary>
    public bool GroupsOverage { get; init; }

    /// <summary>Reads the caller from a validated principal (claims as issued: inbound claim mapping is off).</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        var id = user.FindFirst(ObjectIdClaim)?.Value ?? user.FindFirst(SubjectClaim)?.Value ?? "";
        var name = user.FindFirst(NameClaim)?.Value ?? user.FindFirst(PreferredUserNameClaim)?.Value ?? id;
        return new Caller(
            id,
            name,
            Distinct(user.FindAll(RolesClaim)),
            Distinct(user.FindAll(GroupsClaim)))
        {
            GroupsOverage = HasGroupsOverage(user),
        };
    }

    private static bool HasGroupsOverage(ClaimsPrincipal user)
    {
        if (user.FindFirst(HasGroupsClaim)?.Value is { } hasGroups && string.Equals(hasGroups, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var claimNames = user.FindFirst(ClaimNamesClaim)?.Value;
        if (string.IsNullOrEmpty(claimNames))
        {
            return false;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(claimNames);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty(GroupsClaim, out _);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Binds a handler's <c>Caller</c> parameter (minimal APIs call this by convention), so no handler reads claims itself.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(Of(context));

    /// <summary>
    /// The request's caller, read from its principal once per request (the rate limiter, the workspace gate and the
    /// handler all ask); read again if the request's principal is replaced.
    /// </summary>
    public static Caller Of(HttpContext context)
    {
        var user = context.User;
        if (context.Features.Get<RequestCaller>() is { } known && ReferenceEquals(known.Principal, user))
        {
            return known.Caller;
        }

        var caller = From(user);
        context.Features.Set(new RequestCaller(user, caller));
        return caller;
    }

    private sealed record RequestCaller(ClaimsPrincipal Principal, Caller Caller);

    private static string[] Distinct(IEnumerable<Claim> claims) =>
        claims.Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>True when the space-separated <c>scp</c> claim carries <paramref name="scope"/>.</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(ScopeClaim).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}
