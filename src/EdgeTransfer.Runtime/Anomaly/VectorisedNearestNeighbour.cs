using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The fast search: squared distances as ‖q‖² + ‖b‖² − 2 q·b with the bank norms computed once, the dot
/// products in a register-blocked kernel (4 queries × one panel of bank rows per step, hardware vectors
/// via <see cref="Vector{T}"/>, so the same code uses AVX2/AVX-512 on x64 and NEON on ARM), and the bank read
/// panel by panel so each panel is reused by 4 queries while it is in the cache.
/// </summary>
/// <remarks>
/// <see cref="Vector{T}"/> is 256 bits on x64 unless <c>DOTNET_PreferredVectorBitWidth=512</c> is set; a
/// benchmark can compare both widths with that variable, on the same code.
/// </remarks>
public sealed class VectorisedNearestNeighbour : INearestNeighbourSearch
{
    private const int QueryBlock = 4;
    private readonly PanelMatrix _panels;
    private readonly int _threads;

    /// <summary>Creates the search over <paramref name="bank"/>.</summary>
    /// <param name="bank">The memory bank.</param>
    /// <param name="threads">How many threads may share one call (1 = the caller's thread only).</param>
    public VectorisedNearestNeighbour(MemoryBank bank, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Bank = bank;
        _threads = threads;
        _panels = new PanelMatrix(bank.Rows, bank.Count, bank.Dimensions);
    }

    /// <inheritdoc />
    public MemoryBank Bank { get; }

    /// <inheritdoc />
    public void NearestDistances(ReadOnlySpan<float> queries, int count, Span<float> distances)
    {
        var d = Bank.Dimensions;
        NearestNeighbourArguments.Check(queries, count, d, distances);
        if (count == 0)
        {
            return;
        }

        // Queries are padded to whole blocks so the kernel has no tail case; padding rows are discarded.
        // Buffers come from the pool: a frame's queries are hundreds of KB, and a fresh large array per
        // frame would churn the large-object heap on a device.
        var blocks = (count + QueryBlock - 1) / QueryBlock;
        var padded = ArrayPool<float>.Shared.Rent(blocks * QueryBlock * d);
        var results = ArrayPool<float>.Shared.Rent(blocks * QueryBlock);
        try
        {
            queries[..(count * d)].CopyTo(padded);
            padded.AsSpan(count * d, ((blocks * QueryBlock) - count) * d).Clear();
            if (_threads == 1 || blocks == 1)
            {
                for (var b = 0; b < blocks; b++)
                {
                    SearchBlock(padded, b, results);
                }
            }
            else
            {
                Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, b => SearchBlock(padded, b, results));
            }

            results.AsSpan(0, count).CopyTo(distances);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(padded);
            ArrayPool<float>.Shared.Return(results);
        }
    }

    private void SearchBlock(float[] queries, int block, float[] results)
    {
        var d = Bank.Dimensions;
        var q = queries.AsSpan(block * QueryBlock * d, QueryBlock * d);
        var w = Vector<float>.Count;
        var width = PanelMatrix.PanelWidth;
        var data = _panels.Data;
        var norms = _panels.Norms;
        var inf = new Vector<float>(float.PositiveInfinity);
        Vector<float> m0a = inf, m0b = inf, m1a = inf, m1b = inf, m2a = inf, m2b = inf, m3a = inf, m3b = inf;
        ref var q0 = ref MemoryMarshal.GetReference(q);
        for (var p = 0; p < _panels.Panels; p++)
        {
            Vector<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
            ref var panel = ref data[p * d * width];
            for (var k = 0; k < d; k++)
            {
                var lo = Vector.LoadUnsafe(ref panel, (nuint)(k * width));
                var hi = Vector.LoadUnsafe(ref panel, (nuint)((k * width) + w));
                var x0 = new Vector<float>(Unsafe.Add(ref q0, k));
                var x1 = new Vector<float>(Unsafe.Add(ref q0, d + k));
                var x2 = new Vector<float>(Unsafe.Add(ref q0, (2 * d) + k));
                var x3 = new Vector<float>(Unsafe.Add(ref q0, (3 * d) + k));
                a0 = Vector.FusedMultiplyAdd(lo, x0, a0);
                b0 = Vector.FusedMultiplyAdd(hi, x0, b0);
                a1 = Vector.FusedMultiplyAdd(lo, x1, a1);
                b1 = Vector.FusedMultiplyAdd(hi, x1, b1);
                a2 = Vector.FusedMultiplyAdd(lo, x2, a2);
                b2 = Vector.FusedMultiplyAdd(hi, x2, b2);
                a3 = Vector.FusedMultiplyAdd(lo, x3, a3);
                b3 = Vector.FusedMultiplyAdd(hi, x3, b3);
            }

            // ‖b‖² − 2 q·b per bank row; ‖q‖² is the same for every row and is added after the minimum.
            var nLo = Vector.LoadUnsafe(ref norms[p * width]);
            var nHi = Vector.LoadUnsafe(ref norms[p * width], (nuint)w);
            m0a = Vector.Min(m0a, nLo - (a0 + a0));
            m0b = Vector.Min(m0b, nHi - (b0 + b0));
            m1a = Vector.Min(m1a, nLo - (a1 + a1));
            m1b = Vector.Min(m1b, nHi - (b1 + b1));
            m2a = Vector.Min(m2a, nLo - (a2 + a2));
            m2b = Vector.Min(m2b, nHi - (b2 + b2));
            m3a = Vector.Min(m3a, nLo - (a3 + a3));
            m3b = Vector.Min(m3b, nHi - (b3 + b3));
        }

        var at = block * QueryBlock;
        results[at] = Finish(q[..d], Vector.Min(m0a, m0b));
        results[at + 1] = Finish(q.Slice(d, d), Vector.Min(m1a, m1b));
        results[at + 2] = Finish(q.Slice(2 * d, d), Vector.Min(m2a, m2b));
        results[at + 3] = Finish(q.Slice(3 * d, d), Vector.Min(m3a, m3b));
    }

    private static float Finish(ReadOnlySpan<float> query, Vector<float> minima)
    {
        var best = float.PositiveInfinity;
        for (var i = 0; i < Vector<float>.Count; i++)
        {
            best = MathF.Min(best, minima[i]);
        }

        // Rounding can make the squared distance of an exact match slightly negative.
        return MathF.Sqrt(MathF.Max(0f, TensorPrimitives.SumOfSquares(query) + best));
    }
}
