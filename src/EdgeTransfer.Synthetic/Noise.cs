using System.Runtime.CompilerServices;

namespace EdgeTransfer.Synthetic;

/// <summary>Stateless lattice value noise: a hash of the integer coordinates, smoothly interpolated.</summary>
internal static class Noise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Hash(int x, int y, uint salt)
    {
        var h = ((uint)x * 0x8DA6B343u) ^ ((uint)y * 0xD8163841u) ^ (salt * 0xCB1AB31Fu);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return (h >> 8) * (1f / (1 << 24));
    }

    /// <summary>2-D value noise in [0, 1), one lattice cell per unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(float x, float y, uint salt)
    {
        var fx = MathF.Floor(x);
        var fy = MathF.Floor(y);
        var ix = (int)fx;
        var iy = (int)fy;
        var tx = x - fx;
        var ty = y - fy;
        tx = tx * tx * (3f - (2f * tx));
        ty = ty * ty * (3f - (2f * ty));
        var a = Hash(ix, iy, salt);
        var b = Hash(ix + 1, iy, salt);
        var c = Hash(ix, iy + 1, salt);
        var d = Hash(ix + 1, iy + 1, salt);
        var top = a + ((b - a) * tx);
        var bottom = c + ((d - c) * tx);
        return top + ((bottom - top) * ty);
    }

    /// <summary>1-D value noise in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(float x, uint salt)
    {
        var fx = MathF.Floor(x);
        var ix = (int)fx;
        var t = x - fx;
        t = t * t * (3f - (2f * t));
        var a = Hash(ix, 0, salt);
        var b = Hash(ix + 1, 0, salt);
        return a + ((b - a) * t);
    }

    /// <summary>Two octaves of 2-D value noise, in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fractal(float x, float y, uint salt)
        => (0.667f * Value(x, y, salt)) + (0.333f * Value((2.03f * x) + 17.1f, (2.03f * y) + 5.3f, salt + 1));
}
