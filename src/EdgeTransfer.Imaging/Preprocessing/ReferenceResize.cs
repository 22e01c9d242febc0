using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// The first resize implementation, kept as the baseline the SIMD resize is checked and benchmarked against:
/// horizontal pass first over every source row (scalar, float), then the vertical pass, rounded to 8 bits.
/// </summary>
/// <remarks>
/// It filters with the same <see cref="ResampleTable"/>s as <see cref="ImagePreprocessor"/> but in the other
/// order (rows first), so the two agree to float rounding: a resized byte may differ by one where a value
/// falls within ~1e-4 of a half. Not used in production; <see cref="ImagePreprocessor.UseReferenceResize"/>
/// selects it for tests and for the before/after figure of <c>edgetransfer bench pipeline</c>.
/// </remarks>
internal sealed class ReferenceResize
{
    private readonly int _outWidth;
    private readonly int _outHeight;
    private readonly ResampleTable _x;
    private readonly ResampleTable _y;
    private readonly float[] _rows; // horizontally filtered rows Y.First … Y.End − 1, outWidth × 3 floats each
    private readonly float[] _accumulator;
    private readonly int _paddedRowLength;

    public ReferenceResize(ResampleTable x, ResampleTable y, int outWidth, int outHeight)
    {
        _x = x;
        _y = y;
        _outWidth = outWidth;
        _outHeight = outHeight;
        var rowLength = outWidth * 3;
        _paddedRowLength = (rowLength + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        _rows = new float[((y.End - y.First) * rowLength) + _paddedRowLength];
        _accumulator = new float[_paddedRowLength];
    }

    public void Resize(ReadOnlySpan<byte> rgb24, int width, int stride, Span<byte> destination)
    {
        for (var y = _y.First; y < _y.End; y++)
        {
            HorizontalPass(y, rgb24.Slice(y * stride, width * 3));
        }

        VerticalPass(destination);
    }

    // Verbatim from the first implementation (refs avoid per-tap bounds checks), so the baseline is fair.
    private void HorizontalPass(int y, ReadOnlySpan<byte> src)
    {
        var outW = _outWidth;
        var xt = _x;
        var taps = xt.Taps;
        ref var source = ref MemoryMarshal.GetReference(src);
        ref var dst = ref _rows[(y - _y.First) * outW * 3];
        ref var start = ref MemoryMarshal.GetArrayDataReference(xt.Start);
        ref var count = ref MemoryMarshal.GetArrayDataReference(xt.Count);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(xt.Weights);
        for (var x = 0; x < outW; x++)
        {
            ref var p = ref Unsafe.Add(ref source, Unsafe.Add(ref start, x) * 3);
            ref var w = ref Unsafe.Add(ref weights, x * taps);
            var n = Unsafe.Add(ref count, x);
            float r = 0f, gg = 0f, b = 0f;
            for (var k = 0; k < n; k++)
            {
                var wk = Unsafe.Add(ref w, k);
                r += Unsafe.Add(ref p, 0) * wk;
                gg += Unsafe.Add(ref p, 1) * wk;
                b += Unsafe.Add(ref p, 2) * wk;
                p = ref Unsafe.Add(ref p, 3);
            }

            Unsafe.Add(ref dst, x * 3) = r;
            Unsafe.Add(ref dst, (x * 3) + 1) = gg;
            Unsafe.Add(ref dst, (x * 3) + 2) = b;
        }
    }

    private void VerticalPass(Span<byte> destination)
    {
        var rowLength = _outWidth * 3;
        var acc = _accumulator.AsSpan(0, rowLength);
        var accVectors = MemoryMarshal.Cast<float, Vector<float>>(_accumulator.AsSpan());
        var vectorCount = accVectors.Length;
        for (var y = 0; y < _outHeight; y++)
        {
            var n = _y.Count[y];
            var first = (_y.Start[y] - _y.First) * rowLength;
            accVectors.Clear();
            for (var k = 0; k < n; k++)
            {
                var weight = new Vector<float>(_y.Weights[(y * _y.Taps) + k]);
                var row = MemoryMarshal.Cast<float, Vector<float>>(_rows.AsSpan(first + (k * rowLength), _paddedRowLength));
                for (var v = 0; v < vectorCount; v++)
                {
                    accVectors[v] += row[v] * weight;
                }
            }

            var dst = destination.Slice(y * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++)
            {
                dst[i] = (byte)Math.Clamp((int)(acc[i] + 0.5f), 0, 255);
            }
        }
    }
}
