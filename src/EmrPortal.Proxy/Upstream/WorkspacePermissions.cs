using System.Collections.Concurrent;
using EmrPortal.Emr;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Upstream;

/// <summary>
/// Workspaces the cloud recently refused to the portal's identity (RAM grants each workspace separately, so one
/// AccessKey can list every workspace yet be denied one). A denial is remembered for
/// <see cref="SnapshotOptions.PermissionDeniedTtl"/>: calls about that workspace fail at once without reaching the
/// cloud, and nothing else (credentials, readiness, other workspaces) is affected.
/// </summary>
internal sealed class WorkspacePermissions(IOptionsMonitor<SnapshotOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Denial> _denied = new(StringComparer.Ordinal);

    /// <summary>Remembers that the cloud refused <paramref name="workspaceId"/> (its answer's request id kept for support).</summary>
    public void RecordDenied(string workspaceId, string? code, string? requestId) =>
        _denied[workspaceId] = new Denial(time.GetUtcNow() + options.CurrentValue.PermissionDeniedTtl, code, requestId);

    /// <summary>Throws <see cref="WorkspacePermissionDeniedException"/> while a denial of <paramref name="workspaceId"/> is remembered.</summary>
    public void ThrowIfDenied(string workspaceId)
    {
        if (!_denied.TryGetValue(workspaceId, out var denial))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (now < denial.Until)
        {
            throw new WorkspacePermissionDeniedException(workspaceId, denial.Code, denial.RequestId, denial.Until - now);
        }

        _denied.TryRemove(new KeyValuePair<string, Denial>(workspaceId, denial));
    }

    public bool IsDenied(string workspaceId) =>
        _denied.TryGetValue(workspaceId, out var denial) && time.GetUtcNow() < denial.Until;

    /// <summary>True for a refusal that is about permission on the resource, not about the credentials.</summary>
    public static bool IsPermissionRefusal(int status, string? code) =>
        status == 403 && !EmrErrorCodes.IsCredentialError(code)
        && (code is null || code.Length == 0 || EmrErrorCodes.IsPermissionCode(code));

    private sealed record Denial(DateTimeOffset Until, string? Code, string? RequestId);
}

/// <summary>
/// The cloud refuses the portal's identity on this workspace (403 <c>NoPermission</c>/<c>Forbidden*</c>), now or
/// recently; maps to a 403 ProblemDetails of type <c>cloud-permission-denied</c>.
/// </summary>
internal sealed class WorkspacePermissionDeniedException(string workspaceId, string? code, string? requestId, TimeSpan retryAfter)
    : Exception($"The cloud refused the portal's identity on workspace {workspaceId} ({code ?? "HTTP 403"}).")
{
    public string WorkspaceId { get; } = workspaceId;
    public string? Code { get; } = code;
    public string? RequestId { get; } = requestId;
    public TimeSpan RetryAfter { get; } = retryAfter;
}
