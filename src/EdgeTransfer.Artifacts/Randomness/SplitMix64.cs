namespace EdgeTransfer.Artifacts.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose sequence is fixed by its definition, so a
/// seed gives the same initial head, the same shuffle and the same synthetic part on every .NET version
/// and platform (System.Random promises no such thing).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence of <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed.</param>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double uniform in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A float uniform in [0, 1) from the top 24 bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>A float uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    public float Range(float min, float max) => min + ((max - min) * NextFloat());

    /// <summary>An integer in [0, <paramref name="bound"/>), by Lemire's multiply-high (bias below 2⁻³² for our sizes).</summary>
    /// <param name="bound">The exclusive upper bound, positive.</param>
    public int NextInt(int bound) => (int)Math.BigMul(NextUInt64(), (ulong)bound, out _);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    /// <param name="p">The probability.</param>
    public bool Chance(float p) => NextFloat() < p;

    /// <summary>An approximately standard normal value (Irwin–Hall sum of four uniforms, scaled).</summary>
    public float NextGaussian()
    {
        var r = NextUInt64();
        var sum = (float)(r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);

        // Sum of 4 U(0,1): mean 2, variance 4/12.
        return ((sum * (1f / 65536f)) - 2f) * 1.7320508f;
    }

    /// <summary>Mixes two values into one well-spread seed.</summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    public static ulong Mix(ulong a, ulong b)
    {
        var g = new SplitMix64(a ^ (b * 0xD6E8FEB86659FD93UL));
        g.NextUInt64();
        return g.NextUInt64();
    }

    /// <summary>A stable 64-bit hash of a string (FNV-1a), for deriving seeds from names.</summary>
    /// <param name="text">The text.</param>
    public static ulong Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
