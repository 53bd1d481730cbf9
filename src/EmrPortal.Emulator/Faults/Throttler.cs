using System.Collections.Concurrent;

namespace EmrPortal.Emulator.Faults;

/// <summary>
/// Flow control per (AccessKeyId, action) like the cloud's per-API user quota: a token bucket refilled at
/// <c>Qps</c> up to <c>Burst</c>, timed by the injected clock. Keys come only from authenticated callers and known
/// actions, so the number of buckets stays small.
/// </summary>
internal sealed class Throttler(FaultState faults, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string AccessKeyId, string Action), Bucket> _buckets = new();
    private int _seenVersion = -1;

    /// <returns>True when the call may proceed; otherwise <paramref name="retryAfterMs"/> says when a token is back.</returns>
    public bool TryAcquire(string accessKeyId, string action, out int retryAfterMs)
    {
        retryAfterMs = 0;
        var settings = faults.Current;
        var version = faults.Version;
        if (Interlocked.Exchange(ref _seenVersion, version) != version)
        {
            _buckets.Clear();
        }

        if (!settings.ThrottlingEnabled)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var bucket = _buckets.GetOrAdd((accessKeyId, action), _ => new Bucket(settings.ThrottlingBurst, now));
        lock (bucket)
        {
            var elapsed = (now - bucket.LastRefill).TotalSeconds;
            if (elapsed > 0)
            {
                bucket.Tokens = Math.Min(settings.ThrottlingBurst, bucket.Tokens + (elapsed * settings.ThrottlingQps));
                bucket.LastRefill = now;
            }

            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }

            retryAfterMs = Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / settings.ThrottlingQps * 1000));
            return false;
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset lastRefill)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset LastRefill { get; set; } = lastRefill;
    }
}
