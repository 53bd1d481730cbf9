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
    bool CredentialsRevoked);

/// <summary>Faults configured at start (<c>Emulator:Faults</c>), changed at run time through <c>PUT /admin/faults</c>.</summary>
internal sealed class FaultState
{
    private FaultSettings _current;
    private int _version;

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
            o.CredentialsRevoked);
    }

    public FaultSettings Current => Volatile.Read(ref _current);

    /// <summary>Changes whenever the settings do, so the throttler can drop buckets sized for old limits.</summary>
    public int Version => Volatile.Read(ref _version);

    public void Replace(FaultSettings settings)
    {
        Volatile.Write(ref _current, settings);
        Interlocked.Increment(ref _version);
    }
}
