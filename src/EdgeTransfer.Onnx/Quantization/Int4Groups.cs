namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Grouped 4-bit weights held as int8 (<see cref="QuantizationOptions.Int4GroupSize"/>): each run of values shares a step
/// m·s, where s is the channel's scale and m a whole number from 1 to 16, and stores q in [-7, 7]; the int8 weight is m·q,
/// so ONNX Runtime's int8 kernels with the per-channel scale s compute exactly with the grouped 4-bit weights.
/// </summary>
internal static class Int4Groups
{
    /// <summary>The channel scale that lets the largest group keep its largest value: absMax / (16 · 7).</summary>
    public static float ChannelScale(float absMax) =>
        QuantMath.WeightScale(absMax, QuantMath.Int4GroupMultiplierMax * QuantMath.Int4WeightMax);

    /// <summary>Writes the int8 weights m·q of one channel into <paramref name="output"/>.</summary>
    /// <param name="values">The channel's float weights.</param>
    /// <param name="scale">The channel's scale s.</param>
    /// <param name="groupSize">Values per group (the last group may be shorter).</param>
    /// <param name="rounding">
    /// <see cref="WeightRounding.Nearest"/>: the smallest m that keeps the group's largest value;
    /// <see cref="WeightRounding.MseScale"/>: the m with the least squared error.
    /// </param>
    /// <param name="output">The int8 weights, as long as <paramref name="values"/>.</param>
    public static void Quantize(ReadOnlySpan<float> values, float scale, int groupSize, WeightRounding rounding, Span<sbyte> output)
    {
        for (var start = 0; start < values.Length; start += groupSize)
        {
            var group = values.Slice(start, Math.Min(groupSize, values.Length - start));
            var multiplier = rounding == WeightRounding.Nearest ? Smallest(group, scale) : LeastError(group, scale);
            var step = multiplier * scale;
            for (var i = 0; i < group.Length; i++)
            {
                output[start + i] = (sbyte)(multiplier * QuantMath.QuantizeWeight(group[i], step, QuantMath.Int4WeightMax));
            }
        }
    }

    private static int Smallest(ReadOnlySpan<float> group, float scale)
    {
        var absMax = 0f;
        foreach (var v in group)
        {
            absMax = Math.Max(absMax, Math.Abs(v));
        }

        var needed = (int)Math.Ceiling(absMax / (QuantMath.Int4WeightMax * (double)scale) - 1e-6);
        return Math.Clamp(needed, 1, QuantMath.Int4GroupMultiplierMax);
    }

    private static int LeastError(ReadOnlySpan<float> group, float scale)
    {
        var best = 1;
        var bestError = double.MaxValue;
        for (var m = 1; m <= QuantMath.Int4GroupMultiplierMax; m++)
        {
            var error = WeightScaleSearch.Error(group, m * scale, QuantMath.Int4WeightMax);
            if (error < bestError)
            {
                (best, bestError) = (m, error);
            }
        }

        return best;
    }
}
