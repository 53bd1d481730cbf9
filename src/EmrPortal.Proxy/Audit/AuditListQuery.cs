using System.ComponentModel;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Audit;

/// <summary>The raw audit query (strings, so a bad value is a 400 naming the parameter).</summary>
internal sealed class AuditListQuery
{
    private const int MaxTextLength = 256;

    [FromQuery(Name = AuditQuery.Names.Page), Description("1-based page number.")]
    public string? Page { get; init; }

    [FromQuery(Name = AuditQuery.Names.PageSize), Description("Entries per page, 1..200 (default 50).")]
    public string? PageSize { get; init; }

    [FromQuery(Name = AuditQuery.Names.User), Description("Exact user id or display name.")]
    public string? User { get; init; }

    [FromQuery(Name = AuditQuery.Names.Action), Description("Exact action, e.g. session.view, session.reveal, sessions.export, session.start, session.stop.")]
    public string? Action { get; init; }

    [FromQuery(Name = AuditQuery.Names.Workspace), Description("Exact workspace id.")]
    public string? Workspace { get; init; }

    public bool TryParse(out AuditFilter query, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = QueryValues.Int(Page, "page", 1, 1, 1_000_000, errors);
        var pageSize = QueryValues.Int(PageSize, "pageSize", AuditEndpoints.DefaultPageSize, 1, AuditEndpoints.MaxPageSize, errors);
        query = new AuditFilter(
            page,
            pageSize,
            QueryValues.Text(User, "user", MaxTextLength, errors),
            QueryValues.Text(Action, "action", MaxTextLength, errors),
            QueryValues.Text(Workspace, "workspace", MaxTextLength, errors));
        return errors.Count == 0;
    }
}
