namespace EdgeTransfer.Onnx.Quantization;

/// <summary>How the per-channel scale of 4-bit weights is chosen (<see cref="QuantizationOptions.Int4MinWeightCount"/>).</summary>
public enum WeightRounding
{
    /// <summary>The largest magnitude maps to the largest code (round to nearest, as for int8).</summary>
    Nearest = 0,

    /// <summary>
    /// The scale, searched below the largest magnitude, that minimises the channel's squared rounding error: with 15
    /// codes, clipping a few large weights costs less than the coarse step that keeping them would force.
    /// </summary>
    MseScale = 1,
}
