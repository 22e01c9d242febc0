namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// The activation tensors whose ranges quantization needs, found from the float graph alone.
/// Calibration adds them as outputs of a copy of the model and measures them.
/// </summary>
public sealed class CalibrationPlan
{
    /// <summary>Creates a plan.</summary>
    /// <param name="tensors">The tensors to measure, in graph order.</param>
    /// <param name="nonNegativeTensors">The subset whose range starts at 0 (Relu outputs, inputs read only by a Relu).</param>
    public CalibrationPlan(IReadOnlyList<string> tensors, IReadOnlySet<string> nonNegativeTensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(nonNegativeTensors);
        Tensors = tensors;
        NonNegativeTensors = nonNegativeTensors;
    }

    /// <summary>The tensors to measure, in graph order.</summary>
    public IReadOnlyList<string> Tensors { get; }

    /// <summary>
    /// Tensors whose minimum is 0 by construction: a Relu output, or a tensor that only a Relu reads (the
    /// Relu is then folded into its quantization, whose clipping at 0 does the Relu's work).
    /// </summary>
    public IReadOnlySet<string> NonNegativeTensors { get; }
}
