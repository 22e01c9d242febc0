namespace EdgeTransfer.Onnx.Quantization;

/// <summary>Scale and zero-point arithmetic of ONNX QuantizeLinear (round half to even, saturate).</summary>
internal static class QuantMath
{
    /// <summary>Symmetric int8 weights use [-127, 127] so that +w and -w quantize to opposite values.</summary>
    public const int WeightMax = 127;

    /// <summary>7-bit weights: 2 · 255 · 64 = 32,640 fits the 16-bit sums of VPMADDUBSW without saturating.</summary>
    public const int ReducedWeightMax = 64;

    /// <summary>4-bit weights use [-7, 7]: symmetric like the int8 ones, so they fit a signed nibble and an int8 kernel.</summary>
    public const int Int4WeightMax = 7;

    /// <summary>The largest group multiplier of grouped 4-bit weights: 16 · 7 = 112 ≤ 127 keeps the product an int8 weight.</summary>
    public const int Int4GroupMultiplierMax = 16;

    public static (int Min, int Max) Bounds(ActivationType type) => type == ActivationType.UInt8 ? (0, 255) : (-128, 127);

    /// <summary>
    /// Affine parameters for a range. The range is widened to include 0 so that 0 (Conv padding, a Relu's
    /// output) is exactly representable; a range that starts at 0 gets the lowest code as zero point, so
    /// QuantizeLinear clips negative values to 0 exactly as a Relu would.
    /// </summary>
    public static (float Scale, int ZeroPoint) Activation(TensorRange range, ActivationType type)
    {
        var (qmin, qmax) = Bounds(type);
        var min = Math.Min(range.Min, 0f);
        var max = Math.Max(range.Max, 0f);
        var scale = (double)(max - min) / (qmax - qmin);
        // A constant-zero tensor: any positive scale represents it; 1 avoids a division by zero downstream.
        var safeScale = scale > 0 && (float)scale > 0 ? (float)scale : 1f;
        var zeroPoint = (int)Math.Round(qmin - (min / (double)safeScale), MidpointRounding.ToEven);
        return (safeScale, Math.Clamp(zeroPoint, qmin, qmax));
    }

    /// <summary>The scale of symmetric int8 weights whose largest magnitude is <paramref name="absMax"/>.</summary>
    public static float WeightScale(float absMax, int weightMax) => absMax > 0 ? absMax / weightMax : 1f;

    public static sbyte QuantizeWeight(float value, float scale, int weightMax) =>
        (sbyte)Math.Clamp(Math.Round(value / (double)scale, MidpointRounding.ToEven), -weightMax, weightMax);

    public static int QuantizeBias(float value, double scale) =>
        (int)Math.Clamp(Math.Round(value / scale, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
}
