using EdgeTransfer.Onnx.Quantization;

namespace EdgeTransfer.Quantization.Calibration;

/// <summary>
/// Accumulates the value range of one tensor over many batches in bounded memory: exact min/max and,
/// optionally, a histogram for percentile ranges. Values are never kept.
/// </summary>
/// <remarks>
/// The histogram is logarithmic, built from the bits of the float itself: the exponent and the top
/// <see cref="MantissaBits"/> mantissa bits pick the bin, so every bin is at most 1/128 (0.8 %) of its value
/// wide at any magnitude, the bins never have to be re-laid when a larger value arrives, and binning is a
/// shift. Magnitudes below 2⁻⁴⁰ share the bin next to 0; above 2⁴⁰ they share the last bin (the exact
/// min/max still bound the result). 2 × 10,240 counters: 160 KB per tensor.
/// </remarks>
public sealed class TensorRangeCollector
{
    /// <summary>Mantissa bits that split each power of two into 2^7 = 128 bins.</summary>
    public const int MantissaBits = 7;

    private const int Shift = 23 - MantissaBits;
    private const int LowKey = (127 - 40) << MantissaBits;
    private const int HighKey = (127 + 40) << MantissaBits;
    private const int KeysPerSign = HighKey - LowKey;

    private readonly long[]? _histogram;

    /// <summary>Creates an empty collector.</summary>
    /// <param name="keepHistogram">Whether to keep the histogram that <see cref="PercentileRange"/> needs.</param>
    public TensorRangeCollector(bool keepHistogram = true)
    {
        _histogram = keepHistogram ? new long[2 * KeysPerSign] : null;
    }

    /// <summary>Finite values seen.</summary>
    public long Count { get; private set; }

    /// <summary>NaN and infinite values seen (left out of the range).</summary>
    public long NonFiniteCount { get; private set; }

    /// <summary>The smallest finite value seen (+∞ before any).</summary>
    public float Min { get; private set; } = float.PositiveInfinity;

    /// <summary>The largest finite value seen (−∞ before any).</summary>
    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>Adds values.</summary>
    /// <param name="values">The values of one batch of the tensor.</param>
    public void Add(ReadOnlySpan<float> values)
    {
        var min = Min;
        var max = Max;
        long nonFinite = 0;
        var histogram = _histogram;
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                nonFinite++;
                continue;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
            if (histogram is not null)
            {
                histogram[Bin(v)]++;
            }
        }

        Count += values.Length - nonFinite;
        NonFiniteCount += nonFinite;
        Min = min;
        Max = max;
    }

    /// <summary>The smallest and largest value seen.</summary>
    /// <exception cref="InvalidOperationException">No finite value was added.</exception>
    public TensorRange MinMaxRange()
    {
        RequireValues();
        return new TensorRange(Min, Max);
    }

    /// <summary>
    /// The interval that keeps <paramref name="percentile"/> % of the values, cutting half of the rest from each
    /// tail (as ONNX Runtime's percentile calibrator does for asymmetric ranges); never wider than min/max.
    /// </summary>
    /// <param name="percentile">The share to keep, in percent (50 &lt; p ≤ 100).</param>
    /// <exception cref="InvalidOperationException">No finite value was added, or the collector keeps no histogram.</exception>
    public TensorRange PercentileRange(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percentile, 50);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        RequireValues();
        var histogram = _histogram ?? throw new InvalidOperationException("This collector keeps no histogram; create it with keepHistogram: true for percentile ranges.");
        var cut = (100 - percentile) / 200 * Count;

        double seen = 0;
        var low = 0;
        for (; low < histogram.Length - 1; low++)
        {
            seen += histogram[low];
            if (seen > cut)
            {
                break;
            }
        }

        seen = 0;
        var high = histogram.Length - 1;
        for (; high > 0; high--)
        {
            seen += histogram[high];
            if (seen > cut)
            {
                break;
            }
        }

        // The low end takes the lowest value of its bin and the high end the highest: a bin is kept whole.
        var lower = Math.Max(Min, BinLowest(low));
        var upper = Math.Min(Max, BinHighest(high));
        return lower <= upper ? new TensorRange(lower, upper) : new TensorRange(Min, Max);
    }

    private static int Bin(float v)
    {
        var bits = BitConverter.SingleToInt32Bits(v);
        var key = Math.Clamp(((bits & int.MaxValue) >> Shift) - LowKey, 0, KeysPerSign - 1);
        // Negative values fill the first half from the most negative down to -0, positives the second half.
        return bits < 0 ? KeysPerSign - 1 - key : KeysPerSign + key;
    }

    private static float Magnitude(int key) =>
        key <= 0 ? 0f : BitConverter.Int32BitsToSingle((key + LowKey) << Shift);

    private static float BinLowest(int index) => index >= KeysPerSign
        ? Magnitude(index - KeysPerSign)
        : -UpperMagnitude(KeysPerSign - 1 - index);

    private static float BinHighest(int index) => index >= KeysPerSign
        ? UpperMagnitude(index - KeysPerSign)
        : -Magnitude(KeysPerSign - 1 - index);

    private static float UpperMagnitude(int key) =>
        key >= KeysPerSign - 1 ? float.MaxValue : Magnitude(key + 1);

    private void RequireValues()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No finite value has been added to this collector.");
        }
    }
}
