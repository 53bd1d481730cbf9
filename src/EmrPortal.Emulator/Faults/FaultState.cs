using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Faults;

/// <summary>The faults in force, as the admin endpoint shows them. Immutable; replaced as a whole.</summary>
public sealed record FaultSettings(
    int LatencyFixedMs,
    int LatencyJitterMs,
    double ErrorRate,
    IReadOnlyList<int> ErrorStatusCodes,
    bool ThrottlingEnabled,
    double ThrottlingQps,
    int ThrottlingBurst,
    bool CredentialsRevoked,
    ChurnSettings Churn);

/// <summary>Sessions created/deleted per ListSessionClusters call of one workspace, for the next <see cref="Calls"/> calls.</summary>
public sealed record ChurnSettings(string? WorkspaceId, int CreatePerCall, int DeletePerCall, int Calls)
{
    public static ChurnSettings None { get; } = new(null, 0, 0, 0);
}

/// <summary>Faults configured at start (<c>Emulator:Faults</c>), changed at run time through <c>PUT /admin/faults</c>.</summary>
internal sealed class FaultState
{
    private FaultSettings _current;
    private int _version;
    private int _churnCallsLeft;

    public FaultState(IOptions<FaultOptions> options)
    {
        var o = options.Value;
        _current = new FaultSettings(
            o.Latency.FixedMs,
            o.Latency.JitterMs,
            o.ErrorRate,
            o.ErrorStatusCodes.Count > 0 ? [.. o.ErrorStatusCodes] : [500, 503],
            o.Throttling.Enabled,
            o.Throttling.Qps,
            o.Throttling.Burst,
            o.CredentialsRevoked,
            ChurnSettings.None);
        _churnCallsLeft = 0;
    }

    public FaultSettings Current => Volatile.Read(ref _current);

    /// <summary>Changes whenever the settings do, so the throttler can drop buckets sized for old limits.</summary>
    public int Version => Volatile.Read(ref _version);

    public void Replace(FaultSettings settings)
    {
        Volatile.Write(ref _current, settings);
        Volatile.Write(ref _churnCallsLeft, settings.Churn.Calls);
        Interlocked.Increment(ref _version);
    }

    /// <summary>Takes one churn call for <paramref name="workspaceId"/>, if churn is configured for it and calls are left.</summary>
    public bool TryTakeChurn(string workspaceId, out ChurnSettings churn)
    {
        churn = Current.Churn;
        if (!string.Equals(churn.WorkspaceId, workspaceId, StringComparison.Ordinal) || churn.CreatePerCall + churn.DeletePerCall == 0)
        {
            return false;
        }

        while (true)
        {
            var left = Volatile.Read(ref _churnCallsLeft);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _churnCallsLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}
