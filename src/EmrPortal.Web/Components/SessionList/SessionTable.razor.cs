using System.Globalization;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Sessions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Components.SessionList;

/// <summary>
/// The rows' cells without an event handler are written as HTML (<see cref="HtmlWriter"/>: every value encoded), one
/// markup frame per run of cells, so a 25-row page is hundreds of render-tree frames rather than thousands: Blazor keeps
/// two frame buffers per component (this render and the last) sized to the largest render, for as long as the circuit
/// lives (docs/decisions.md, "Rows are markup, not components").
/// </summary>
public partial class SessionTable
{
    /// <summary>One piece of a row: a control (<see cref="SessionColumns.Pick"/>, <see cref="SessionColumns.Pin"/>) or markup.</summary>
    private readonly record struct RowPart(SessionColumn? Control, MarkupString Markup);

    /// <summary>A row's parts, and what they were written from (the row's data is immutable; a new page is new objects).</summary>
    private sealed record RowMarkup(SessionSummaryDto Source, bool First, RowPart[] Parts);

    private static readonly MarkupString UnfoldIcon = MudMarkup.IconMarkup(Icons.Material.Filled.UnfoldMore);
    private static readonly MarkupString UpIcon = MudMarkup.IconMarkup(Icons.Material.Filled.ArrowUpward);
    private static readonly MarkupString DownIcon = MudMarkup.IconMarkup(Icons.Material.Filled.ArrowDownward);
    private static readonly string NoAutoStopIcon = MudMarkup.IconMarkup(Icons.Material.Filled.Warning, Color.Warning).Value;

    private SessionColumn[] _visible = [];
    private MarkupString _colgroup;
    private RowMarkup[] _rows = [];

    // What every row's markup depends on besides its own data; when one changes, rows are written again.
    private DateTimeOffset _writtenNow;
    private TimeZoneInfo? _writtenZone;
    private string? _writtenFrom;

    // The "from" part of every row's detail link, escaped once per FromUrl rather than once per row.
    private string? _fromQuery;

    protected override void OnParametersSet()
    {
        var visible = Columns.Where(c => c == SessionColumns.Pick ? Picked is not null : !c.Hideable || !HiddenColumns.Contains(c.Key)).ToArray();
        var columnsChanged = !visible.AsSpan().SequenceEqual(_visible);
        if (columnsChanged)
        {
            _visible = visible;
            var html = new HtmlWriter(32 * visible.Length);
            html.Open("colgroup").EndStart();
            foreach (var column in visible) html.Open("col").Attr("class", column.ColClass).EndStart();
            _colgroup = html.Close("colgroup").ToMarkup();
        }

        var inputsChanged = columnsChanged || _writtenNow != Now || !ReferenceEquals(_writtenZone, TimeZone) || !string.Equals(_writtenFrom, FromUrl, StringComparison.Ordinal);
        if (inputsChanged)
        {
            _writtenNow = Now;
            _writtenZone = TimeZone;
            _writtenFrom = FromUrl;
            _fromQuery = FromUrl is null ? null : $"?from={Uri.EscapeDataString(FromUrl)}";
        }

        var previous = _rows;
        var rows = new RowMarkup[Items.Count];
        HtmlWriter? writer = null;
        for (var i = 0; i < rows.Length; i++)
        {
            var item = Items[i];
            var first = i == 0;
            var reuse = inputsChanged ? null : Array.Find(previous, r => ReferenceEquals(r.Source, item) && r.First == first);
            rows[i] = reuse ?? new RowMarkup(item, first, WriteRow(writer ??= new HtmlWriter(4096), item, first));
        }

        _rows = rows;
    }

    private MarkupString SortIcon(string sortKey) =>
        sortKey != Sort ? UnfoldIcon : Dir == SortDirections.Asc ? UpIcon : DownIcon;

    private RowPart[] WriteRow(HtmlWriter html, SessionSummaryDto s, bool firstRow)
    {
        var parts = new List<RowPart>(5);
        html.Clear();
        foreach (var column in _visible)
        {
            // The name cell holds the row's only focusable markup (its link): a markup frame of its own, which a
            // re-render that only changes the times leaves in place (and the keyboard focus with it).
            if (column == SessionColumns.Pick || column == SessionColumns.Pin || column == SessionColumns.Name)
            {
                Flush();
            }

            if (column == SessionColumns.Pick || column == SessionColumns.Pin)
            {
                parts.Add(new RowPart(column, default));
                continue;
            }

            html.Open("td").Attr("data-testid", column.CellTestId).EndStart();
            WriteCell(html, column, s, firstRow);
            html.Close("td");
            if (column == SessionColumns.Name) Flush();
        }

        Flush();
        return [.. parts];

        void Flush()
        {
            if (html.Length == 0) return;
            parts.Add(new RowPart(null, html.ToMarkup()));
            html.Clear();
        }
    }

    private void WriteCell(HtmlWriter html, SessionColumn column, SessionSummaryDto s, bool firstRow)
    {
        switch (column.Key)
        {
            case "name":
                // The first row's name link carries elementtiming: the browser reports when its text was painted
                // (Element Timing), which is how the portal's first-row figure is measured (docs/decisions.md#critical-path).
                html.Open("div").Attr("class", "cell-name").EndStart();
                html.Open("a").Attr("href", DetailHref(s)).Attr("class", "cell-truncate").Attr("title", DisplayName(s))
                    .Attr("data-testid", "session-link").Attr("elementtiming", firstRow ? "first-row" : null).EndStart()
                    .Text(DisplayName(s)).Close("a");
                if (s.NoLongerListed) NoLongerListedBadge.Write(html, null, TimeZone);
                html.Open("span").Attr("class", "session-id cell-truncate").Attr("title", s.SessionClusterId).EndStart()
                    .Text(s.SessionClusterId).Close("span");
                html.Close("div");
                break;
            case "workspace":
                Text(html, s.WorkspaceId);
                break;
            case "state":
                html.Open("div").Attr("class", "cell-state").EndStart();
                SessionStateChip.Write(html, s.State, SessionStateChip.Reason(s.StateChangeReasonCode, s.StateChangeReasonMessage, s.StateSince, Now, s.StateSinceObserved));
                if (s.StateSince is { } since)
                {
                    html.Open("span").Attr("class", "state-since cell-truncate").Attr("data-testid", "state-since")
                        .Attr("data-source", s.StateSinceObserved ? "observed" : "api")
                        .Attr("title", s.StateSinceObserved
                            ? $"Observed by the portal since {RelativeTime.Absolute(since, TimeZone)}"
                            : $"Since {RelativeTime.Absolute(since, TimeZone)} (cloud API start time)")
                        .EndStart().Text(s.StateSinceObserved ? "for ≥ " : "for ").Text(RelativeTime.Duration(since, Now)).Close("span");
                }

                html.Close("div");
                break;
            case "kind":
                Text(html, s.Kind);
                break;
            case "queue":
                Text(html, s.QueueName);
                break;
            case "owner":
                html.Open("span").Attr("class", "cell-truncate")
                    .Attr("title", s.UserName is null || s.UserId is null || s.UserName == s.UserId ? s.UserName ?? s.UserId : $"{s.UserName} ({s.UserId})")
                    .EndStart().Text(s.UserName ?? s.UserId).Close("span");
                break;
            case "release":
                html.Open("span").Attr("class", "cell-release").EndStart();
                Text(html, s.DisplayReleaseVersion ?? s.ReleaseVersion);
                if (s.ReleaseOutdated) ReleaseDriftBadge.Write(html, s.ReleaseVersion);
                html.Close("span");
                break;
            case "created":
                RelativeTime.Write(html, s.GmtCreate, Now, TimeZone);
                break;
            case "started":
                RelativeTime.Write(html, s.StartTime, Now, TimeZone);
                break;
            case "autostop":
                if (s.AutoStopEnabled == true)
                {
                    html.Open("span").Attr("data-testid", "auto-stop").EndStart()
                        .Text(s.AutoStopIdleTimeoutMinutes is { } m ? string.Create(CultureInfo.InvariantCulture, $"after {m} min idle") : "on")
                        .Close("span");
                }
                else
                {
                    html.Open("span").Attr("class", "no-auto-stop").Attr("data-testid", "no-auto-stop")
                        .Attr("title", "Runs (and costs money) until someone stops it").EndStart()
                        .Raw(NoAutoStopIcon).Text(" No auto-stop").Close("span");
                }

                break;
            default:
                html.Open("span").EndStart().Close("span");
                break;
        }
    }

    private string DetailHref(SessionSummaryDto s) =>
        $"/workspaces/{Uri.EscapeDataString(s.WorkspaceId)}/sessions/{Uri.EscapeDataString(s.SessionClusterId)}{_fromQuery}";

    private static string DisplayName(SessionSummaryDto s) => string.IsNullOrWhiteSpace(s.Name) ? s.SessionClusterId : s.Name;

    /// <summary>Plain text that truncates with an ellipsis and shows in full as a tooltip.</summary>
    private static void Text(HtmlWriter html, string? value) =>
        html.Open("span").Attr("class", "cell-truncate").Attr("title", value).EndStart().Text(value).Close("span");
}
