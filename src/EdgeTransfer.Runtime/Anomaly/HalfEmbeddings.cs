using System.Globalization;
using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The fit's bank parts as half-precision embeddings, one stride per part: the fit's largest buffer, so a part's maps are
/// embedded into it as they arrive and dropped.
/// </summary>
internal static class HalfEmbeddings
{
    // The bank's embeddings followed by those of the held-out parts that arrived, for a fit that falls back to leave-one-out.
    public static Half[] WithHeldOut(Half[] embeddings, int trainCount, List<AnomalyFeatures> heldOut, PatchEmbedder embedder, float[] scratch)
    {
        var stride = scratch.Length;
        var all = new Half[(long)(trainCount + heldOut.Count) * stride];
        embeddings.AsSpan(0, trainCount * stride).CopyTo(all);
        for (var i = 0; i < heldOut.Count; i++)
        {
            Embed(embedder, heldOut[i], scratch, all.AsSpan((trainCount + i) * stride, stride), "a held-out good sample");
        }

        return all;
    }

    // One good part's embedding in half precision, refused when a value would not fit in it.
    public static void Embed(PatchEmbedder embedder, AnomalyFeatures features, float[] scratch, Span<Half> destination, string sample)
    {
        embedder.Embed(features, scratch);
        if (!(TensorPrimitives.MaxMagnitude(scratch) <= (float)Half.MaxValue))
        {
            throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"The patch features of {sample} are beyond ±{(float)Half.MaxValue}, which the fit cannot store; the backbone's feature maps are out of range (check the bundle and the images)."));
        }

        TensorPrimitives.ConvertToHalf(scratch, destination);
    }

    // Closes the gaps left by bank slots whose sample never arrived; returns how many parts were embedded.
    public static int Compact(Half[] embeddings, int stride, bool[] filled)
    {
        var count = 0;
        for (var slot = 0; slot < filled.Length; slot++)
        {
            if (!filled[slot])
            {
                continue;
            }

            if (slot != count)
            {
                embeddings.AsSpan(slot * stride, stride).CopyTo(embeddings.AsSpan(count * stride, stride));
            }

            count++;
        }

        return count;
    }
}
