using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Finds good samples that are copies of an earlier one: the same file stored twice, a camera that hands over the same
/// frame again, identical blank images. A copy adds nothing to the memory bank, and a copy scored against its original gives a
/// distance of nothing: with many of them the threshold falls to almost zero and every normal variation of a real part
/// is a reject. Each sample is compared with all earlier ones whatever their order, on a fixed, evenly spread subset of
/// both feature maps (a copy's maps are the same values, so any subset tells).
/// </summary>
internal sealed class CopyDetector
{
    /// <summary>
    /// A sample within this share of the larger length of the two signatures is a copy. The backbone is deterministic,
    /// so copies give 0; different good parts differ by far more (see docs/anomaly.md, "Copies").
    /// </summary>
    internal const float MaxRelativeDistance = 0.01f;

    // Per map: enough values to tell images apart, few enough that a fit from thousands of parts keeps them all.
    private const int ValuesPerMap = 512;

    // Earlier samples' signatures, sorted by length: a copy within the share of the larger length has a length within
    // that share too (triangle inequality), so only a narrow band of them is compared.
    private readonly List<(float Length, int Sample, float[] Signature)> _byLength = [];

    /// <summary>The earlier sample that <paramref name="features"/> copies, or null; remembers it when it copies none.</summary>
    /// <param name="features">A good sample's maps.</param>
    /// <param name="sample">Its number, reported when a later sample copies it.</param>
    public int? CopyOf(AnomalyFeatures features, int sample)
    {
        var signature = Signature(features);
        var length = TensorPrimitives.Norm(signature);
        var lowest = length * (1 - MaxRelativeDistance);
        var index = LowerBound(lowest);
        for (var i = index; i < _byLength.Count && _byLength[i].Length * (1 - MaxRelativeDistance) <= length; i++)
        {
            var earlier = _byLength[i];
            if (TensorPrimitives.Distance(signature, earlier.Signature) <= MaxRelativeDistance * Math.Max(length, earlier.Length))
            {
                return earlier.Sample;
            }
        }

        _byLength.Insert(LowerBound(length), (length, sample, signature));
        return null;
    }

    /// <summary>
    /// The two samples whose signatures are closest, as a share of the larger length: how far the most alike good parts
    /// are from being set aside as copies.
    /// </summary>
    /// <param name="samples">At least two samples' maps.</param>
    internal static (float Distance, int First, int Second) Closest(IReadOnlyList<AnomalyFeatures> samples)
    {
        var signatures = samples.Select(Signature).ToArray();
        var lengths = signatures.Select(s => TensorPrimitives.Norm(s)).ToArray();
        var closest = (Distance: float.PositiveInfinity, First: -1, Second: -1);
        for (var i = 0; i < signatures.Length; i++)
        {
            for (var j = i + 1; j < signatures.Length; j++)
            {
                var longer = Math.Max(lengths[i], lengths[j]);
                var distance = longer > 0 ? TensorPrimitives.Distance(signatures[i], signatures[j]) / longer : 0;
                if (distance < closest.Distance)
                {
                    closest = (distance, i, j);
                }
            }
        }

        return closest;
    }

    private int LowerBound(float length)
    {
        var (low, high) = (0, _byLength.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_byLength[middle].Length < length)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static float[] Signature(AnomalyFeatures features)
    {
        var fine = features.Stage2.Values.Span;
        var coarse = features.Stage3.Values.Span;
        var (fineCount, coarseCount) = (Math.Min(ValuesPerMap, fine.Length), Math.Min(ValuesPerMap, coarse.Length));
        var signature = new float[fineCount + coarseCount];
        Pick(fine, signature.AsSpan(0, fineCount));
        Pick(coarse, signature.AsSpan(fineCount));
        return signature;
    }

    // Values spread over channels and positions alike: a plain stride would line up with the channel planes (at 512 of
    // stage 3's 256×14×14 values, the same two positions of every other channel), so the picks follow the golden-ratio
    // sequence instead, which never lines up with any period.
    private static void Pick(ReadOnlySpan<float> values, Span<float> destination)
    {
        if (destination.Length == values.Length)
        {
            values.CopyTo(destination);
            return;
        }

        const double goldenRatioFraction = 0.6180339887498949;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = values[(int)(i * goldenRatioFraction % 1 * values.Length)];
        }
    }
}
