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
    /// <summary>Sent, but the cloud's answer was lost: it may have been applied (it was not sent again).</summary>
    public const string Unconfirmed = "unconfirmed";
    public const string Limited = "limited";
}

/// <summary>
/// Who looked at what: one entry per detail view, reveal, export, start and stop. Each goes to the log under the
/// <c>EmrPortal.Proxy.Audit</c> category at once and to the portal database (the admin audit page) in the background.
/// </summary>
internal sealed partial class AuditTrail(ILoggerFactory loggers, AuditWriter writer, AuditRepeats repeats, TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger("EmrPortal.Proxy.Audit");

    public void Record(Caller caller, string action, string? workspaceId, string? sessionClusterId, string outcome)
    {
        var userId = Clean(caller.UserId);
        var userName = Clean(caller.Name);
        var record = new AuditRecord(time.GetUtcNow(), userId, userName, action, workspaceId, sessionClusterId, outcome);
        if (AuditRepeats.IsRefusal(outcome) && !repeats.Admit(record))
        {
            return; // counted; written with its repeats when the window closes
        }

        LogAudit(_logger, action, userId, userName, workspaceId ?? "-", sessionClusterId ?? "-", outcome);
        writer.Enqueue(record);
    }

    /// <summary>One entry for <see cref="AuditRecord.Count"/> repeats of the same refusal.</summary>
    public void WriteRepeats(AuditRecord summary)
    {
        LogAuditRepeats(_logger, summary.Action, summary.UserId, summary.UserName ?? "", summary.WorkspaceId ?? "-",
            summary.SessionClusterId ?? "*", summary.Outcome, summary.Count, summary.At, summary.LastAt ?? summary.At);
        writer.Enqueue(summary);
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

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information,
        Message = "Audit {Action} by {UserId} ({UserName}) on {WorkspaceId}/{SessionClusterId}: {Outcome} repeated {Count} times from {FirstAt} to {LastAt}")]
    private static partial void LogAuditRepeats(ILogger logger, string action, string userId, string userName, string workspaceId,
        string sessionClusterId, string outcome, int count, DateTimeOffset firstAt, DateTimeOffset lastAt);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Audit {Action} by {UserId} ({UserName}) on {WorkspaceId}/{SessionClusterId}: {Outcome}")]
    private static partial void LogAudit(ILogger logger, string action, string userId, string userName, string workspaceId, string sessionClusterId, string outcome);
}
