using EmrPortal.Contracts;

namespace EmrPortal.Web.Components.SessionList;

/// <summary>A column of the session table: its key (column chooser, test ids), header, and the proxy's sort key.</summary>
public sealed record SessionColumn(string Key, string Title, string? SortKey, bool Hideable = true)
{
    // Built once per column (columns are process-wide instances), not per cell and render in every circuit.
    /// <summary>The test id of this column's cells (<c>cell-{Key}</c>).</summary>
    public string CellTestId { get; } = $"cell-{Key}";

    /// <summary>The test id of this column's header (<c>header-{Key}</c>).</summary>
    public string HeaderTestId { get; } = $"header-{Key}";

    /// <summary>The test id of this column's sort button (<c>sort-{Key}</c>).</summary>
    public string SortTestId { get; } = $"sort-{Key}";

    /// <summary>The class of this column's <c>col</c> element (<c>col-{Key}</c>).</summary>
    public string ColClass { get; } = $"col-{Key}";
}

public static class SessionColumns
{
    // A checkbox that picks the session for "Compare" (shown where the table is given a selection); header for screen readers only.
    public static readonly SessionColumn Pick = new("pick", "Pick to compare", null, Hideable: false);
    // Pin/unpin button; its header is a screen-reader label only.
    public static readonly SessionColumn Pin = new("pin", "Pinned", null, Hideable: false);
    public static readonly SessionColumn Name = new("name", "Name / id", SortKeys.Name, Hideable: false);
    public static readonly SessionColumn Workspace = new("workspace", "Workspace", null);
    public static readonly SessionColumn State = new("state", "State", SortKeys.State);
    public static readonly SessionColumn Kind = new("kind", "Kind", SortKeys.Kind);
    public static readonly SessionColumn Queue = new("queue", "Queue", SortKeys.QueueName);
    public static readonly SessionColumn Owner = new("owner", "Owner", SortKeys.UserName);
    public static readonly SessionColumn Release = new("release", "Release", SortKeys.ReleaseVersion);
    public static readonly SessionColumn Created = new("created", "Created", SortKeys.GmtCreate);
    public static readonly SessionColumn Started = new("started", "Started", SortKeys.StartTime);
    // The proxy has no sort key for auto-stop (the cloud API has none either).
    public static readonly SessionColumn AutoStop = new("autostop", "Auto-stop", null);

    // Shared by every circuit: a list asks for its columns on each parameter change, and keeps what it gets.
    private static readonly IReadOnlyList<SessionColumn> AllWorkspaceColumns = [Pick, Pin, Name, Workspace, State, Kind, Queue, Owner, Release, Created, Started, AutoStop];
    private static readonly IReadOnlyList<SessionColumn> WorkspaceColumns = [Pick, Pin, Name, State, Kind, Queue, Owner, Release, Created, Started, AutoStop];

    public static IReadOnlyList<SessionColumn> For(bool allWorkspaces) => allWorkspaces ? AllWorkspaceColumns : WorkspaceColumns;

    /// <summary>Direction a column starts in when first clicked: newest first for times, A→Z otherwise.</summary>
    public static string InitialDirection(string sortKey) =>
        sortKey is SortKeys.GmtCreate or SortKeys.StartTime ? SortDirections.Desc : SortDirections.Asc;
}
