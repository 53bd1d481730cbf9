namespace EmrPortal.Emr.Tests.Infrastructure;

/// <summary>
/// Wall clock that moves <paramref name="step"/> per reading (so two signings get two dates); timers and timestamps stay
/// real, so Polly's delays and timeouts behave normally.
/// </summary>
public sealed class SteppingTimeProvider(DateTimeOffset start, TimeSpan step) : TimeProvider
{
    private long _readings;

    public override DateTimeOffset GetUtcNow() => start + (step * (Interlocked.Increment(ref _readings) - 1));
}
