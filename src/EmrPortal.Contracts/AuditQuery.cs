using System.Globalization;
using System.Text;

namespace EmrPortal.Contracts;

/// <summary>The audit page's state: the same names in the portal's URL (<c>/audit?page=2&amp;user=…</c>) and in the
/// proxy's <c>GET /api/v1/audit</c> query. Defaults are left out so links stay short.</summary>
public sealed record AuditQuery
{
    public const int DefaultPageSize = 50;
    public static readonly IReadOnlyList<int> PageSizes = [25, 50, 100];

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;
    public string? User { get; init; }
    public string? Action { get; init; }
    public string? Workspace { get; init; }

    public static class Names
    {
        public const string Page = "page";
        public const string PageSize = "pageSize";
        public const string User = "user";
        public const string Action = "action";
        public const string Workspace = "workspace";
    }

    /// <summary>Out-of-range numbers fall back to defaults; filters are trimmed and capped (a hand-edited link still works).</summary>
    public static AuditQuery Normalize(int? page, int? pageSize, string? user, string? action, string? workspace) => new()
    {
        Page = page is > 0 ? page.Value : 1,
        PageSize = pageSize is > 0 and <= 200 ? pageSize.Value : DefaultPageSize,
        User = Clean(user),
        Action = Clean(action),
        Workspace = Clean(workspace) is { } ws && Ids.IsValid(ws) ? ws : null,
    };

    /// <param name="explicitPaging">Always write page and pageSize (for the proxy, whose defaults may differ from the page's).</param>
    public string ToQueryString(bool explicitPaging = false)
    {
        var sb = new StringBuilder();
        void Add(string name, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (sb.Length > 0) sb.Append('&');
            sb.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (Page != 1 || explicitPaging) Add(Names.Page, Page.ToString(CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize || explicitPaging) Add(Names.PageSize, PageSize.ToString(CultureInfo.InvariantCulture));
        Add(Names.User, User);
        Add(Names.Action, Action);
        Add(Names.Workspace, Workspace);
        return sb.ToString();
    }

    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > 200 ? trimmed[..200] : trimmed;
    }
}
