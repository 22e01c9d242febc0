namespace EdgeTransfer.Onnx.Quantization;

/// <summary>The calibrated value range of one activation tensor.</summary>
/// <param name="Min">The smallest value to represent.</param>
/// <param name="Max">The largest value to represent.</param>
public readonly record struct TensorRange(float Min, float Max)
{
    /// <summary>Whether both ends are finite and <see cref="Min"/> ≤ <see cref="Max"/>.</summary>
    public bool IsValid => float.IsFinite(Min) && float.IsFinite(Max) && Min <= Max;
}
