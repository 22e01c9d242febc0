using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// The SIMD kernel of the resize: filters one output row of an RGB24 frame through a <see cref="ResizeGeometry"/>
/// into <see cref="ResizeGeometry.Planes"/>, with AVX-512, Vector256/128 or scalar code as the CPU allows.
/// </summary>
/// <remarks>
/// Every element is summed in the same order on every path (tap 0 first, multiply then add: no FMA), so the
/// paths give identical bits and a device matches the host.
/// </remarks>
internal static class BilinearRowFilter
{
    /// <summary>Filters output row <paramref name="y"/> of <paramref name="rgb24"/> into <paramref name="g"/>'s planes.</summary>
    /// <remarks>
    /// Vertically first (the source rows are contiguous bytes, so that pass is plain SIMD over the whole row,
    /// and the awkward horizontal pass then runs on 224 rows instead of 480), then horizontally into one float
    /// row per RGB channel. No rounding between the passes.
    /// </remarks>
    public static void Filter(ResizeGeometry g, ReadOnlySpan<byte> rgb24, int stride, int y)
    {
        var yt = g.Y;
        var n = yt.Count[y];
        var rowBytes = g.SourceWidth * 3;
        ref var first = ref Unsafe.Add(ref MemoryMarshal.GetReference(rgb24), (nint)yt.Start[y] * stride);
        ref var w = ref yt.Weights[y * yt.Taps];
        ref var vrow = ref MemoryMarshal.GetArrayDataReference(g.VerticalRow);
        var i = 0;
        if (Avx512F.IsSupported)
        {
            for (; i + 16 <= rowBytes; i += 16)
            {
                ref var p = ref Unsafe.Add(ref first, i);
                var acc = Widen512(ref p) * Vector512.Create(w);
                for (var k = 1; k < n; k++)
                {
                    acc += Widen512(ref Unsafe.Add(ref p, (nint)k * stride)) * Vector512.Create(Unsafe.Add(ref w, k));
                }

                acc.StoreUnsafe(ref vrow, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= rowBytes; i += 16)
            {
                ref var p = ref Unsafe.Add(ref first, i);
                var weight = Vector128.Create(w);
                var (a0, a1, a2, a3) = Widen128(ref p);
                a0 *= weight;
                a1 *= weight;
                a2 *= weight;
                a3 *= weight;
                for (var k = 1; k < n; k++)
                {
                    weight = Vector128.Create(Unsafe.Add(ref w, k));
                    var (b0, b1, b2, b3) = Widen128(ref Unsafe.Add(ref p, (nint)k * stride));
                    a0 += b0 * weight;
                    a1 += b1 * weight;
                    a2 += b2 * weight;
                    a3 += b3 * weight;
                }

                a0.StoreUnsafe(ref vrow, (nuint)i);
                a1.StoreUnsafe(ref vrow, (nuint)i + 4);
                a2.StoreUnsafe(ref vrow, (nuint)i + 8);
                a3.StoreUnsafe(ref vrow, (nuint)i + 12);
            }
        }

        for (; i < rowBytes; i++)
        {
            ref var p = ref Unsafe.Add(ref first, i);
            var acc = p * w;
            for (var k = 1; k < n; k++)
            {
                acc += Unsafe.Add(ref p, (nint)k * stride) * Unsafe.Add(ref w, k);
            }

            Unsafe.Add(ref vrow, i) = acc;
        }

        // Horizontal: each output pixel is Σ weight · (R,G,B,·) over a fixed number of taps (zero-weighted
        // beyond its own, so no per-pixel loop bound to mispredict); the fourth lane is ignored. Pixels go in
        // groups of four (Vector512) or two (Vector256) whose weights are stored pre-broadcast per pixel; the
        // taps may reach past the row end into VerticalRow's zeroed slack.
        var outW = g.OutWidth;
        var taps = g.HorizontalTaps;
        ref var start = ref MemoryMarshal.GetArrayDataReference(g.X.Start);
        ref var hw = ref MemoryMarshal.GetArrayDataReference(g.HorizontalWeights); // [pixel, tap, 4 lanes]
        ref var planes = ref MemoryMarshal.GetArrayDataReference(g.Planes);
        var x = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; x + 4 <= outW; x += 4)
            {
                ref var p0 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
                ref var p1 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 1) * 3);
                ref var p2 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 2) * 3);
                ref var p3 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 3) * 3);
                ref var wx = ref Unsafe.Add(ref hw, x * taps * 4);
                var acc = Vector512<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var o = (nuint)(k * 3);
                    // Built on the lower half (ToVector512Unsafe) rather than Vector512.Create, which inserts both
                    // halves into one register and so chains every tap to the previous one.
                    var pixels = Vector256.Create(Vector128.LoadUnsafe(ref p0, o), Vector128.LoadUnsafe(ref p1, o)).ToVector512Unsafe()
                        .WithUpper(Vector256.Create(Vector128.LoadUnsafe(ref p2, o), Vector128.LoadUnsafe(ref p3, o)));
                    acc += pixels * Vector512.LoadUnsafe(ref wx, (nuint)(k * 16));
                }

                StorePixel(ref planes, outW, x, acc.GetLower().GetLower());
                StorePixel(ref planes, outW, x + 1, acc.GetLower().GetUpper());
                StorePixel(ref planes, outW, x + 2, acc.GetUpper().GetLower());
                StorePixel(ref planes, outW, x + 3, acc.GetUpper().GetUpper());
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; x + 2 <= outW; x += 2)
            {
                ref var p0 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
                ref var p1 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 1) * 3);
                ref var wx = ref Unsafe.Add(ref hw, x * taps * 4);
                var acc = Vector256<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var o = (nuint)(k * 3);
                    acc += Vector256.Create(Vector128.LoadUnsafe(ref p0, o), Vector128.LoadUnsafe(ref p1, o)) * Vector256.LoadUnsafe(ref wx, (nuint)(k * 8));
                }

                StorePixel(ref planes, outW, x, acc.GetLower());
                StorePixel(ref planes, outW, x + 1, acc.GetUpper());
            }
        }

        for (; x < outW; x++)
        {
            ref var p = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
            var acc = Vector128<float>.Zero;
            for (var k = 0; k < taps; k++)
            {
                acc += Vector128.LoadUnsafe(ref p, (nuint)(k * 3)) * Vector128.LoadUnsafe(ref hw, (nuint)ResizeGeometry.GroupedWeightIndex(outW, taps, x, k));
            }

            StorePixel(ref planes, outW, x, acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixel(ref float planes, int outW, int x, Vector128<float> rgb)
    {
        Unsafe.Add(ref planes, x) = rgb.GetElement(0);
        Unsafe.Add(ref planes, outW + x) = rgb.GetElement(1);
        Unsafe.Add(ref planes, (2 * outW) + x) = rgb.GetElement(2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen512(ref byte p) =>
        Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref p)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Widen128(ref byte p)
    {
        var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref p));
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        return (Vector128.ConvertToSingle(a), Vector128.ConvertToSingle(b), Vector128.ConvertToSingle(c), Vector128.ConvertToSingle(d));
    }
}
