namespace EdgeTransfer.Onnx.Quantization;

/// <summary>The scale of one channel of symmetric weights that minimises the squared rounding error (<see cref="WeightRounding.MseScale"/>).</summary>
internal static class WeightScaleSearch
{
    /// <summary>Candidate scales from this share of the round-to-nearest scale up to all of it.</summary>
    private const double LowestShare = 0.3;

    private const int Steps = 140;

    /// <summary>The best scale for <paramref name="values"/> quantized to [-<paramref name="weightMax"/>, <paramref name="weightMax"/>].</summary>
    public static float Find(ReadOnlySpan<float> values, int weightMax)
    {
        var absMax = 0f;
        foreach (var v in values)
        {
            absMax = Math.Max(absMax, Math.Abs(v));
        }

        var nearest = QuantMath.WeightScale(absMax, weightMax);
        if (absMax == 0)
        {
            return nearest;
        }

        var best = nearest;
        var bestError = Error(values, nearest, weightMax);
        for (var i = 0; i < Steps; i++)
        {
            var scale = (float)(nearest * (LowestShare + ((1 - LowestShare) * i / Steps)));
            var error = Error(values, scale, weightMax);
            if (error < bestError)
            {
                (best, bestError) = (scale, error);
            }
        }

        return best;
    }

    /// <summary>The squared error of quantizing <paramref name="values"/> with <paramref name="scale"/> and dequantizing them.</summary>
    public static double Error(ReadOnlySpan<float> values, float scale, int weightMax)
    {
        var error = 0.0;
        foreach (var v in values)
        {
            var d = v - (QuantMath.QuantizeWeight(v, scale, weightMax) * (double)scale);
            error += d * d;
        }

        return error;
    }
}
