using System.Security.Claims;
using EmrPortal.Proxy.Access;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>
/// The caller and the API scope are read from the principal in one pass over its claims; the answer must be the one
/// the framework's claim queries give (<c>FindFirst</c>/<c>FindAll</c> per type), whatever the identities hold.
/// </summary>
public sealed class CallerTests
{
    private static readonly string[] Types =
    [
        "oid", "sub", "name", "preferred_username", "roles", "groups", "scp", "hasgroups", "_claim_names",
        "OID", "Roles", "GROUPS", "Name", "SCP", "HasGroups", "tid", "email",
    ];

    private static readonly string[] Values =
    [
        "", "a", "b", "Portal.Admin", "Portal.Viewer", "portal.admin", "true", "TRUE", "false", "access_as_user",
        "openid access_as_user", "  access_as_user  ", "access_as_user2", "Access_As_User", "{\"groups\":\"src1\"}",
        "{\"other\":1}", "[1]", "not json", "g-1", "g-2", "g-3", "g-4", "g-5", "g-6", "g-7", "g-8", "g-9", "g-10", "g-11",
    ];

    [Fact]
    public void Random_principals_read_in_one_pass_equal_the_claim_queries()
    {
        var random = new Random(29);
        for (var n = 0; n < 2_000; n++)
        {
            var user = RandomPrincipal(random);
            var expected = Reference(user);
            var actual = Caller.From(user);

            Assert.Equal(expected.UserId, actual.UserId);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Roles, actual.Roles);
            Assert.Equal(expected.Groups, actual.Groups);
            Assert.Equal(expected.GroupsOverage, actual.GroupsOverage);
            foreach (var scope in new[] { "access_as_user", "openid", "Access_As_User", "access_as", "" })
            {
                Assert.Equal(ReferenceHasScope(user, scope), Caller.HasScope(user, scope));
            }
        }
    }

    [Fact]
    public void Claim_types_match_as_each_identity_matches_them()
    {
        // The bearer handler's identity is case-sensitive: "Roles" is not "roles" there; the framework's base identity ignores case.
        Claim[] claims = [new("oid", "u1"), new("Roles", "Portal.Admin"), new("SCP", "access_as_user")];
        var strict = new ClaimsPrincipal(new CaseSensitiveClaimsIdentity(claims, "Bearer"));
        var lenient = new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer"));

        Assert.Empty(Caller.From(strict).Roles);
        Assert.False(Caller.HasScope(strict, "access_as_user"));
        Assert.Equal(["Portal.Admin"], Caller.From(lenient).Roles);
        Assert.True(Caller.HasScope(lenient, "access_as_user"));
    }

    [Fact]
    public void Many_groups_are_kept_once_each_in_token_order()
    {
        var claims = Enumerable.Range(0, 300).Select(i => new Claim("groups", $"g-{i % 150}")).Prepend(new Claim("oid", "u1"));
        var caller = Caller.From(new ClaimsPrincipal(new CaseSensitiveClaimsIdentity(claims, "Bearer")));

        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"g-{i}"), caller.Groups);
    }

    private static ClaimsPrincipal RandomPrincipal(Random random)
    {
        var principal = new ClaimsPrincipal();
        var identities = random.Next(1, 4);
        for (var i = 0; i < identities; i++)
        {
            var claims = Enumerable.Range(0, random.Next(0, 14))
                .Select(_ => new Claim(Types[random.Next(Types.Length)], Values[random.Next(Values.Length)]))
                .ToList();
            principal.AddIdentity(random.Next(3) == 0 ? new ClaimsIdentity(claims, "Bearer") : new CaseSensitiveClaimsIdentity(claims, "Bearer"));
        }

        return principal;
    }

    /// <summary>What the caller was before the one-pass read: the framework's claim queries, one per claim type.</summary>
    private static Caller Reference(ClaimsPrincipal user)
    {
        var id = user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value ?? "";
        var name = user.FindFirst("name")?.Value ?? user.FindFirst("preferred_username")?.Value ?? id;
        return new Caller(id, name, Distinct(user.FindAll("roles")), Distinct(user.FindAll("groups")))
        {
            GroupsOverage = ReferenceOverage(user),
        };

        static string[] Distinct(IEnumerable<Claim> claims) =>
            claims.Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static bool ReferenceOverage(ClaimsPrincipal user)
    {
        if (user.FindFirst("hasgroups")?.Value is { } hasGroups && string.Equals(hasGroups, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var claimNames = user.FindFirst("_claim_names")?.Value;
        if (string.IsNullOrEmpty(claimNames))
        {
            return false;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(claimNames);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("groups", out _);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static bool ReferenceHasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll("scp").Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}
