using System.Security.Claims;
using EmrPortal.Contracts;

namespace EmrPortal.Web.Services;

/// <summary>A user the demo sign-in page offers. Roles and groups are what the proxy's access map is written against.</summary>
public sealed record DemoUser(string Id, string Name, string Description, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>The three demo identities agreed with the proxy (admin, viewer of one workspace, viewer of none).</summary>
public static class DemoUsers
{
    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("admin", "Ada Admin", "Portal admin: every workspace, unredacted configs", [PortalRoles.Admin], []),
        new("viewer", "Vic Viewer", "Viewer of the Analytics workspace", [PortalRoles.Viewer], ["grp-analytics"]),
        new("outsider", "Olive Outsider", "Viewer without any workspace", [PortalRoles.Viewer], []),
    ];

    public static DemoUser? Find(string? id) => All.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.Ordinal));

    /// <summary>The cookie principal for a demo user. Claim names follow Entra's (<c>oid</c>, <c>name</c>, <c>roles</c>).</summary>
    public static ClaimsPrincipal ToPrincipal(DemoUser user, string authenticationType)
    {
        List<Claim> claims = [new(PortalClaims.ObjectId, user.Id), new(PortalClaims.Name, user.Name)];
        claims.AddRange(user.Roles.Select(r => new Claim(PortalClaims.Roles, r)));
        claims.AddRange(user.Groups.Select(g => new Claim(PortalClaims.Groups, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, PortalClaims.Name, PortalClaims.Roles));
    }
}

/// <summary>Claim types as Entra issues them with <c>MapInboundClaims = false</c>.</summary>
public static class PortalClaims
{
    public const string ObjectId = "oid";
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Roles = "roles";
    public const string Groups = "groups";
    public const string Scope = "scp";

    public static string? UserId(this ClaimsPrincipal user) =>
        user.FindFirst(ObjectId)?.Value ?? user.FindFirst(Subject)?.Value;

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirst(Name)?.Value ?? user.Identity?.Name ?? user.UserId() ?? "Signed-in user";
}
