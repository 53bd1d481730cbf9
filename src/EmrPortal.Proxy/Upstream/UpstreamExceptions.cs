namespace EmrPortal.Proxy.Upstream;

/// <summary>No data can be served for a workspace (first scan failed or was refused); maps to 503 with Retry-After.</summary>
internal sealed class SnapshotUnavailableException(string workspaceId, TimeSpan retryAfter, Exception? inner = null)
    : Exception($"Sessions of workspace {workspaceId} are not available yet.", inner)
{
    public string WorkspaceId { get; } = workspaceId;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>Upstream answered about a different workspace or session than asked; the answer is refused (502).</summary>
internal sealed class UpstreamMismatchException(string message) : Exception(message);

/// <summary>The outbound token bucket for an (account, API) has no room; maps to 503 with Retry-After.</summary>
internal sealed class UpstreamQuotaExceededException(string action, TimeSpan retryAfter)
    : Exception($"The proxy's own quota for {action} is exhausted.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
