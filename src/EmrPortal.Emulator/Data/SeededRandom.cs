namespace EmrPortal.Emulator.Data;

/// <summary>
/// SplitMix64: tiny, fast, and its sequence is fixed by the algorithm (not by a runtime's Random), so a seed gives
/// the same data on every .NET version and machine.
/// </summary>
internal sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public static ulong Mix(int seed, string salt)
    {
        // FNV-1a over the salt, combined with the seed: each workspace gets its own stable stream.
        var hash = 14695981039346656037UL;
        foreach (var c in salt)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Picks by weight; <paramref name="items"/> pairs a value with its relative weight.</summary>
    public T Weighted<T>(IReadOnlyList<(T Value, int Weight)> items)
    {
        var total = items.Sum(i => i.Weight);
        var roll = Next(total);
        foreach (var (value, weight) in items)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        return items[^1].Value;
    }

    public string Hex(int length)
    {
        const string digits = "0123456789abcdef";
        return string.Create(length, this, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = digits[random.Next(16)];
            }
        });
    }
}
