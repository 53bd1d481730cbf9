using System.Text;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;

namespace EmrPortal.Proxy.Audit;

internal static class AuditActions
{
    public const string ViewDetail = "session.view";
    public const string Reveal = "session.reveal";
    public const string Export = "sessions.export";
    public const string Start = "session.start";
    public const string Stop = "session.stop";
}

internal static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string NotFound = "not-found";
    public const string Conflict = "conflict";
    public const string Limited = "limited";
}

/// <summary>
/// Who looked at what: one entry per detail view, reveal, export, start and stop. Each goes to the log under the
/// <c>EmrPortal.Proxy.Audit</c> category at once and to the portal database (the admin audit page) in the background.
/// </summary>
internal sealed partial class AuditTrail(ILoggerFactory loggers, AuditWriter writer, TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger("EmrPortal.Proxy.Audit");

    public void Record(Caller caller, string action, string? workspaceId, string? sessionClusterId, string outcome)
    {
        var userId = Clean(caller.UserId);
        var userName = Clean(caller.Name);
        LogAudit(_logger, action, userId, userName, workspaceId ?? "-", sessionClusterId ?? "-", outcome);
        writer.Enqueue(new AuditRecord(time.GetUtcNow(), userId, userName, action, workspaceId, sessionClusterId, outcome));
    }

    /// <summary>Token claims are user-controlled text: no control characters or bidi overrides reach the log.</summary>
    internal static string Clean(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, 128));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, 128)))
        {
            sb.Append(char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' ? '?' : c);
        }

        return sb.ToString();
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Audit {Action} by {UserId} ({UserName}) on {WorkspaceId}/{SessionClusterId}: {Outcome}")]
    private static partial void LogAudit(ILogger logger, string action, string userId, string userName, string workspaceId, string sessionClusterId, string outcome);
}
