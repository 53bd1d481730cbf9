using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Proxy;

/// <summary>Limits on saved views (<c>Views</c> section): one user cannot make every list page heavy for the others.</summary>
public sealed class ViewsOptions
{
    public const string SectionName = "Views";

    /// <summary>Saved views one user may own across all workspaces; saving one more is a 409 ProblemDetails.</summary>
    [Range(1, 10_000)]
    public int MaxPerUser { get; set; } = 100;

    /// <summary>Views per page of <c>GET …/views</c> when the caller names no <c>pageSize</c>.</summary>
    [Range(1, MaxPageSize)]
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The largest <c>pageSize</c> a caller may ask for.</summary>
    public const int MaxPageSize = 200;
}
