namespace EdgeTransfer.Synthetic;

/// <summary>
/// A tiny, fully specified random generator (SplitMix64, Steele et al. 2014). <see cref="Random"/> is not
/// used because its seeded sequence is not guaranteed across .NET versions; synthetic data sets must be
/// reproducible byte for byte.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [min, max).</summary>
    public float Range(float min, float max) => min + ((max - min) * NextFloat());

    /// <summary>Uniform integer in [0, count).</summary>
    public int Next(int count) => (int)((NextUInt64() >> 33) % (ulong)count);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(float p) => NextFloat() < p;

    /// <summary>Approximately standard normal: Irwin–Hall sum of four 16-bit uniforms, one draw.</summary>
    public float NextGaussian()
    {
        var r = NextUInt64();
        var sum = (float)(r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);

        // Sum of 4 U(0,1): mean 2, variance 4/12.
        return ((sum * (1f / 65536f)) - 2f) * 1.7320508f;
    }

    /// <summary>Mixes values into one well-spread 64-bit seed.</summary>
    public static ulong Mix(ulong a, ulong b)
    {
        var g = new SplitMix64(a ^ (b * 0xD6E8FEB86659FD93UL));
        g.NextUInt64();
        return g.NextUInt64();
    }

    /// <summary>FNV-1a of a string, stable across processes (unlike <see cref="string.GetHashCode()"/>).</summary>
    public static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
