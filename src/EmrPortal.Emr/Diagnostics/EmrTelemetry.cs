using System.Diagnostics;

namespace EmrPortal.Emr.Diagnostics;

/// <summary>The client's tracing: one span per API call, tagged with action, workspace and request id (never secrets).</summary>
public static class EmrTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> (ServiceDefaults records it).</summary>
    public const string ActivitySourceName = "EmrPortal.Emr";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    internal const string ActionTag = "emr.action";
    internal const string WorkspaceTag = "emr.workspace_id";
    internal const string RequestIdTag = "emr.request_id";
    internal const string ErrorCodeTag = "emr.error_code";
}
