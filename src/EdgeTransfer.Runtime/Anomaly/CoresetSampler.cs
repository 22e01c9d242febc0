using System.Numerics;
using System.Numerics.Tensors;
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
    /// <param name="cancellationToken">Stops the selection between two picks.</param>
    /// <returns>The indices of the kept rows, in the order they were picked.</returns>
    public static int[] Select(ReadOnlySpan<float> rows, int count, int dimensions, int budget, ulong seed, int samplingDimensions = 0, CancellationToken cancellationToken = default)
    {
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
        for (var i = 0; i < budget; i++)
        {
            if (i > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                chosen[i] = TensorPrimitives.IndexOfMax(minDistance);
            }

            CopyRow(panels, chosen[i], centre);
            UpdateMinimum(panels, centre, minDistance);
        }

        return chosen;
    }

    private static PanelMatrix SamplingPanels(ReadOnlySpan<float> rows, int count, int dimensions, ulong seed, int samplingDimensions)
    {
        if (samplingDimensions == 0 || samplingDimensions >= dimensions)
        {
            return new PanelMatrix(rows, count, dimensions);
        }

        var projected = new float[count * samplingDimensions];
        new RandomProjection(dimensions, samplingDimensions, seed + 1).Project(rows, count, projected);
        return new PanelMatrix(projected, count, samplingDimensions);
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
    private static void UpdateMinimum(PanelMatrix panels, float[] centre, float[] minDistance)
    {
        var d = panels.Dimensions;
        var w = Vector<float>.Count;
        var width = PanelMatrix.PanelWidth;
        var centreNorm = new Vector<float>(TensorPrimitives.SumOfSquares(centre));
        var data = panels.Data;
        for (var p = 0; p < panels.Panels; p++)
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
