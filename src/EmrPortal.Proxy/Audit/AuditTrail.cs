using System.Text;
using EmrPortal.Proxy.Access;

namespace EmrPortal.Proxy.Audit;

internal static class AuditActions
{
    public const string ViewDetail = "session.view";
    public const string Reveal = "session.reveal";
    public const string Export = "sessions.export";
}

internal static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string NotFound = "not-found";
}

/// <summary>
/// Who looked at what: one structured entry per detail view, reveal and export (the portal database of a later issue
/// will store these; until then they go to the log under the <c>EmrPortal.Proxy.Audit</c> category).
/// </summary>
internal sealed partial class AuditTrail(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("EmrPortal.Proxy.Audit");

    public void Record(Caller caller, string action, string workspaceId, string? sessionClusterId, string outcome) =>
        LogAudit(_logger, action, Clean(caller.UserId), Clean(caller.Name), workspaceId, sessionClusterId ?? "-", outcome);

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
