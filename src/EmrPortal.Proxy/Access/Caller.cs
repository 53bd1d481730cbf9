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

    /// <summary>
    /// Reads the caller from a validated principal (claims as issued: inbound claim mapping is off), in one pass over
    /// its claims: the same answer as <c>FindFirst</c>/<c>FindAll</c> per claim type (each identity matches claim types
    /// as its own <c>FindFirst</c> does), without their iterators and predicates on every request
    /// (docs/decisions.md#warm-page-requests-where-the-time-went).
    /// </summary>
    public static Caller From(ClaimsPrincipal user)
    {
        Claim? oid = null, sub = null, name = null, preferredUserName = null, hasGroups = null, claimNames = null;
        var roles = new DistinctValues();
        var groups = new DistinctValues();
        foreach (var identity in user.Identities)
        {
            var comparison = TypeComparison(identity);
            foreach (var claim in identity.Claims)
            {
                var type = claim.Type;
                if (string.Equals(type, RolesClaim, comparison)) roles.Add(claim.Value);
                else if (string.Equals(type, GroupsClaim, comparison)) groups.Add(claim.Value);
                else if (string.Equals(type, ObjectIdClaim, comparison)) oid ??= claim;
                else if (string.Equals(type, SubjectClaim, comparison)) sub ??= claim;
                else if (string.Equals(type, NameClaim, comparison)) name ??= claim;
                else if (string.Equals(type, PreferredUserNameClaim, comparison)) preferredUserName ??= claim;
                else if (string.Equals(type, HasGroupsClaim, comparison)) hasGroups ??= claim;
                else if (string.Equals(type, ClaimNamesClaim, comparison)) claimNames ??= claim;
            }
        }

        var id = oid?.Value ?? sub?.Value ?? "";
        return new Caller(id, name?.Value ?? preferredUserName?.Value ?? id, roles.ToArray(), groups.ToArray())
        {
            GroupsOverage = HasGroupsOverage(hasGroups?.Value, claimNames?.Value),
        };
    }

    /// <summary>How <paramref name="identity"/>'s own <c>FindFirst(type)</c> compares claim types: IdentityModel's
    /// case-sensitive identity (what the bearer handler builds) exactly, the framework's base identity ignoring case.</summary>
    private static StringComparison TypeComparison(ClaimsIdentity identity) =>
        identity is Microsoft.IdentityModel.Tokens.CaseSensitiveClaimsIdentity ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static bool HasGroupsOverage(string? hasGroups, string? claimNames)
    {
        if (hasGroups is not null && string.Equals(hasGroups, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

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

    /// <summary>Non-empty claim values, each once (ordinal), in first-seen order.</summary>
    private struct DistinctValues
    {
        private const int SetThreshold = 8;
        private List<string>? _values;
        private HashSet<string>? _seen;

        public void Add(string value)
        {
            if (value.Length == 0)
            {
                return;
            }

            _values ??= [];
            if (_seen is not null)
            {
                if (_seen.Add(value)) _values.Add(value);
                return;
            }

            foreach (var v in _values)
            {
                if (string.Equals(v, value, StringComparison.Ordinal)) return;
            }

            _values.Add(value);
            if (_values.Count > SetThreshold)
            {
                _seen = new HashSet<string>(_values, StringComparer.Ordinal); // many groups: no quadratic scan
            }
        }

        public readonly string[] ToArray() => _values is null ? [] : [.. _values];
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

    /// <summary>True when a space-separated <c>scp</c> claim carries <paramref name="scope"/> (ordinal), read without
    /// splitting the claim into strings (the API policy asks on every request).</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope)
    {
        if (scope.Length == 0)
        {
            return false;
        }

        foreach (var identity in user.Identities)
        {
            var comparison = TypeComparison(identity);
            foreach (var claim in identity.Claims)
            {
                if (!string.Equals(claim.Type, ScopeClaim, comparison))
                {
                    continue;
                }

                var value = claim.Value.AsSpan();
                foreach (var range in value.Split(' '))
                {
                    if (value[range].SequenceEqual(scope))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
