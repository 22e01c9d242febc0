using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Greedy k-centre coreset selection (PatchCore): starting from one seeded random row, repeatedly keep the
/// row farthest from everything kept so far. The kept rows cover the data within the smallest radius the
/// greedy rule finds (at most twice the optimum), so rare patches of good parts — the ones that would
/// otherwise become false rejects — are kept while the many near-copies of common patches are not.
/// </summary>
/// <remarks>
/// As in PatchCore, the distances that drive the selection may be taken after a random projection to
/// fewer dimensions (<c>samplingDimensions</c>): selection costs rows × kept × dimensions, and the
/// projection keeps the ranking of large distances, which is all the greedy rule needs.
/// </remarks>
public static class CoresetSampler
{
    /// <summary>Chooses <paramref name="budget"/> rows of <paramref name="rows"/> by greedy k-centre selection.</summary>
    /// <param name="rows">Row-major embeddings of <paramref name="dimensions"/> values each.</param>
    /// <param name="count">The number of rows.</param>
    /// <param name="dimensions">The length of each row.</param>
    /// <param name="budget">How many rows to keep; all are kept when it is <paramref name="count"/> or more.</param>
    /// <param name="seed">Fixes the first row and the sampling projection.</param>
    /// <param name="samplingDimensions">Project to this many dimensions for the selection when fewer than <paramref name="dimensions"/>; 0 = no projection.</param>
    /// <param name="threads">Threads that share each pass over the rows (the picks are the same for any count).</param>
    /// <param name="cancellationToken">Stops the selection between two picks.</param>
    /// <returns>The indices of the kept rows, in the order they were picked.</returns>
    public static int[] Select(ReadOnlySpan<float> rows, int count, int dimensions, int budget, ulong seed, int samplingDimensions = 0, int threads = 1, CancellationToken cancellationToken = default) =>
        Select<float>(rows, count, dimensions, budget, seed, samplingDimensions, threads, cancellationToken);

    /// <summary>Chooses <paramref name="budget"/> rows of half-precision <paramref name="rows"/> by greedy k-centre selection.</summary>
    /// <remarks>The rows are widened a block at a time as the selection reads them, so half-precision rows (half the memory of a fit's embeddings) never need a full single-precision copy.</remarks>
    /// <param name="rows">Row-major embeddings of <paramref name="dimensions"/> values each.</param>
    /// <param name="count">The number of rows.</param>
    /// <param name="dimensions">The length of each row.</param>
    /// <param name="budget">How many rows to keep; all are kept when it is <paramref name="count"/> or more.</param>
    /// <param name="seed">Fixes the first row and the sampling projection.</param>
    /// <param name="samplingDimensions">Project to this many dimensions for the selection when fewer than <paramref name="dimensions"/>; 0 = no projection.</param>
    /// <param name="threads">Threads that share each pass over the rows (the picks are the same for any count).</param>
    /// <param name="cancellationToken">Stops the selection between two picks.</param>
    /// <returns>The indices of the kept rows, in the order they were picked.</returns>
    public static int[] Select(ReadOnlySpan<Half> rows, int count, int dimensions, int budget, ulong seed, int samplingDimensions = 0, int threads = 1, CancellationToken cancellationToken = default) =>
        Select<Half>(rows, count, dimensions, budget, seed, samplingDimensions, threads, cancellationToken);

    private static int[] Select<T>(ReadOnlySpan<T> rows, int count, int dimensions, int budget, ulong seed, int samplingDimensions, int threads, CancellationToken cancellationToken)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(samplingDimensions);
        if (rows.Length < (long)count * dimensions)
        {
            throw new ArgumentException($"{count} rows of {dimensions} values need {(long)count * dimensions} values; {rows.Length} were given.", nameof(rows));
        }

        if (budget >= count)
        {
            return [.. Enumerable.Range(0, count)];
        }

        var panels = SamplingPanels(rows, count, dimensions, seed, samplingDimensions);
        var d = panels.Dimensions;
        var minDistance = new float[panels.Panels * PanelMatrix.PanelWidth];
        minDistance.AsSpan().Fill(float.PositiveInfinity);

        // Padding rows must never be picked: their distance stays −∞ for the argmax.
        minDistance.AsSpan(count).Fill(float.NegativeInfinity);
        var centre = new float[d];
        var chosen = new int[budget];
        chosen[0] = new SplitMix64(seed).NextInt(count);

        // Each pass reads every row once and is memory-bound; a second core adds bandwidth. Passes below ~1 MB of rows
        // are not worth a hand-off to the pool.
        var parts = (long)panels.Panels * d * PanelMatrix.PanelWidth < (1 << 18) ? 1 : Math.Min(threads, panels.Panels);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parts };
        for (var i = 0; i < budget; i++)
        {
            if (i > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                chosen[i] = TensorPrimitives.IndexOfMax(minDistance);
            }

            CopyRow(panels, chosen[i], centre);
            if (parts == 1)
            {
                UpdateMinimum(panels, centre, minDistance, 0, panels.Panels);
            }
            else
            {
                Parallel.For(0, parts, options, part => UpdateMinimum(panels, centre, minDistance, panels.Panels * part / parts, panels.Panels * (part + 1) / parts));
            }
        }

        return chosen;
    }

    private static PanelMatrix SamplingPanels<T>(ReadOnlySpan<T> rows, int count, int dimensions, ulong seed, int samplingDimensions)
        where T : unmanaged
    {
        var project = samplingDimensions > 0 && samplingDimensions < dimensions;
        var d = project ? samplingDimensions : dimensions;

        // Filled a block of rows at a time (widened from half precision, projected): a full widened or projected copy
        // beside the panels would double the selection's memory (16 MB for 100 parts at 64 dims).
        const int Block = 256;
        var projection = project ? new RandomProjection(dimensions, samplingDimensions, seed + 1) : null;
        var panels = new PanelMatrix(count, d);
        var widened = typeof(T) == typeof(Half) ? new float[Block * dimensions] : null;
        var projected = project ? new float[Block * samplingDimensions] : null;
        for (var first = 0; first < count; first += Block)
        {
            var n = Math.Min(Block, count - first);
            ReadOnlySpan<float> block;
            if (widened is null)
            {
                block = MemoryMarshal.Cast<T, float>(rows.Slice(first * dimensions, n * dimensions));
            }
            else
            {
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<T, Half>(rows.Slice(first * dimensions, n * dimensions)), widened);
                block = widened.AsSpan(0, n * dimensions);
            }

            if (projection is not null)
            {
                projection.Project(block, n, projected);
                block = projected;
            }

            for (var r = 0; r < n; r++)
            {
                panels.SetRow(first + r, block.Slice(r * d, d));
            }
        }

        return panels;
    }

    private static void CopyRow(PanelMatrix panels, int row, float[] destination)
    {
        var width = PanelMatrix.PanelWidth;
        var start = row / width * panels.Dimensions * width;
        var lane = row % width;
        for (var k = 0; k < destination.Length; k++)
        {
            destination[k] = panels.Data[start + (k * width) + lane];
        }
    }

    // One pass over every row: squared distance to the new centre (‖x‖² + ‖c‖² − 2x·c), folded into the
    // running minimum. Memory-bound, so the rows are read once, panel by panel.
    private static void UpdateMinimum(PanelMatrix panels, float[] centre, float[] minDistance, int firstPanel, int endPanel)
    {
        var d = panels.Dimensions;
        var w = Vector<float>.Count;
        var width = PanelMatrix.PanelWidth;
        var centreNorm = new Vector<float>(TensorPrimitives.SumOfSquares(centre));
        var data = panels.Data;
        for (var p = firstPanel; p < endPanel; p++)
        {
            Vector<float> lo = default, hi = default;
            ref var panel = ref data[p * d * width];
            for (var k = 0; k < d; k++)
            {
                var c = new Vector<float>(centre[k]);
                lo = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref panel, (nuint)(k * width)), c, lo);
                hi = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref panel, (nuint)((k * width) + w)), c, hi);
            }

            ref var norms = ref panels.Norms[p * width];
            ref var minimum = ref minDistance[p * width];
            var dLo = Vector.LoadUnsafe(ref norms) + centreNorm - (lo + lo);
            var dHi = Vector.LoadUnsafe(ref norms, (nuint)w) + centreNorm - (hi + hi);
            Vector.Min(Vector.LoadUnsafe(ref minimum), dLo).StoreUnsafe(ref minimum);
            Vector.Min(Vector.LoadUnsafe(ref minimum, (nuint)w), dHi).StoreUnsafe(ref minimum, (nuint)w);
        }
    }
}
