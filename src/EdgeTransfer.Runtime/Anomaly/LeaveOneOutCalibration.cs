using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Calibration for a fit from few good parts: every part goes into the bank, and each part's patch distances are
/// measured against a bank fitted the same way on the other parts. A held-out share of a handful of parts would leave
/// too few for the per-position scale (<see cref="PositionScaleCalibrator.MinSamples"/>) and too few in the bank; each
/// part scored against the others is as unseen as a held-out part, and all of them still build the model's bank.
/// </summary>
internal static class LeaveOneOutCalibration
{
    /// <summary>Each part's patch distances to a bank of the others (coreset, projection and budget as the model's).</summary>
    /// <param name="embeddings">The parts' embeddings, part after part; the blocks are swapped while it runs and put back.</param>
    /// <param name="parts">How many parts the embeddings hold (at least 2).</param>
    /// <param name="embedder">The embedder that made them.</param>
    /// <param name="options">The fit's options (budget, sampling dimensions, seed, threads).</param>
    /// <param name="step">Told after each part.</param>
    /// <param name="cancellationToken">Checked between parts and inside each coreset.</param>
    public static List<float[]> Maps(Half[] embeddings, int parts, PatchEmbedder embedder, AnomalyFitOptions options, Action step, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 2);
        var (patches, dimensions) = (embedder.Patches, embedder.Dimensions);
        var stride = patches * dimensions;
        var others = (parts - 1) * patches;
        var budget = options.CoresetBudget(others, dimensions);
        var last = (parts - 1) * stride;
        var swap = new Half[stride];
        var held = new float[stride];
        var maps = new List<float[]>(parts);
        for (var part = 0; part < parts; part++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The part moves to the last block, so the other parts are the first parts − 1 blocks, in one span.
            Swap(embeddings, part * stride, last, swap);
            try
            {
                ReadOnlySpan<Half> rest = embeddings.AsSpan(0, others * dimensions);
                var chosen = CoresetSampler.Select(rest, others, dimensions, budget, (ulong)options.Seed, options.SamplingDimensions, options.Threads, cancellationToken);
                var bank = MemoryBank.FromRows(rest, dimensions, chosen);
                TensorPrimitives.ConvertToSingle(embeddings.AsSpan(last, stride), held);
                var map = new float[patches];
                new VectorisedNearestNeighbour(bank, options.Threads).NearestDistances(held, patches, map);
                maps.Add(map);
            }
            finally
            {
                Swap(embeddings, part * stride, last, swap);
            }

            step();
        }

        return maps;
    }

    private static void Swap(Half[] embeddings, int a, int b, Half[] scratch)
    {
        if (a == b)
        {
            return;
        }

        var length = scratch.Length;
        embeddings.AsSpan(a, length).CopyTo(scratch);
        embeddings.AsSpan(b, length).CopyTo(embeddings.AsSpan(a, length));
        scratch.CopyTo(embeddings.AsSpan(b, length));
    }
}
