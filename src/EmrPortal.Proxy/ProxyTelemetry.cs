using System.Diagnostics;

namespace EmrPortal.Proxy;

/// <summary>The proxy's own tracing: one span per snapshot scan, between the request's span and the EMR client's spans.</summary>
public static class ProxyTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> (passed to ServiceDefaults by <c>Program</c>).</summary>
    public const string ActivitySourceName = "EmrPortal.Proxy";

    /// <summary>Name of a workspace scan's span.</summary>
    public const string ScanSpanName = "Snapshot scan";

    /// <summary>Tag carrying the scanned workspace's id.</summary>
    public const string WorkspaceTag = "emrportal.workspace_id";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
