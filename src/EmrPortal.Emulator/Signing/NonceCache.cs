using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Signing;

internal enum NonceOutcome
{
    Accepted,
    Replayed,
    CacheFull,
}

/// <summary>
/// Remembers (AccessKeyId, nonce) until the signed request could no longer pass the timestamp check anyway, so
/// memory is bounded by the request rate over the skew window. Entries are only added after the signature has
/// verified, so forged requests cannot fill it. At the configured cap it refuses new requests instead of forgetting
/// nonces that could still be replayed.
/// </summary>
internal sealed class NonceCache(IOptions<EmulatorOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _byExpiry = new();
    private readonly int _capacity = options.Value.MaxRememberedNonces;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _expiries.Count;
            }
        }
    }

    public NonceOutcome TryRemember(string accessKeyId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var key = accessKeyId + "\n" + nonce;
        lock (_gate)
        {
            while (_byExpiry.TryPeek(out var oldest, out var expiry) && expiry <= now)
            {
                _byExpiry.Dequeue();
                if (_expiries.TryGetValue(oldest, out var current) && current <= now)
                {
                    _expiries.Remove(oldest);
                }
            }

            if (_expiries.TryGetValue(key, out var existing) && existing > now)
            {
                return NonceOutcome.Replayed;
            }

            if (_expiries.Count >= _capacity)
            {
                return NonceOutcome.CacheFull;
            }

            _expiries[key] = expiresAt;
            _byExpiry.Enqueue(key, expiresAt);
            return NonceOutcome.Accepted;
        }
    }
}
