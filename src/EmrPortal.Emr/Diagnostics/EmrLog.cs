using Microsoft.Extensions.Logging;

namespace EmrPortal.Emr.Diagnostics;

/// <summary>Source-generated log messages. Only ids, codes and statuses: never credentials, tokens or bodies.</summary>
internal static partial class EmrLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "EMR {Action} for workspace {WorkspaceId} failed: HTTP {Status} {Code} (RequestId {RequestId})")]
    public static partial void CallFailed(ILogger logger, string action, string? workspaceId, int status, string code, string? requestId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "EMR {Action} attempt {Attempt} failed ({Outcome}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string? action, int attempt, string outcome, double delayMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug,
        Message = "EMR {Action} for workspace {WorkspaceId} succeeded (RequestId {RequestId})")]
    public static partial void CallSucceeded(ILogger logger, string action, string? workspaceId, string? requestId);
}
