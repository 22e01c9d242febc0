using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Static QDQ quantization of a float model: int8 symmetric Conv weights (per output channel by default),
/// int32 biases, activations quantized with calibrated ranges, QuantizeLinear/DequantizeLinear placed so that
/// ONNX Runtime's CPU execution provider fuses them into int8 kernels (QLinearConv, QLinearAdd,
/// QLinearAveragePool, uint8 MaxPool). Pure graph code: ONNX Runtime is not needed here.
/// </summary>
/// <remarks>
/// Use <see cref="PlanCalibration"/> to learn which tensors need ranges, measure them (EdgeTransfer.Quantization's
/// calibrator does), then call <see cref="Quantize"/>. Nodes that cannot be quantized stay float between a
/// DequantizeLinear and a QuantizeLinear and are listed in <see cref="QuantizationReport.FloatOps"/>.
/// The input model should have BatchNormalization folded into its Conv weights; one that is not still
/// quantizes, but every BatchNormalization stays float and blocks the Conv → Relu folding.
/// </remarks>
public static class QdqQuantizer
{
    /// <summary>The activation tensors whose ranges <see cref="Quantize"/> will need.</summary>
    /// <param name="model">The float model (standard domain opset 13 or newer).</param>
    /// <param name="options">The options that <see cref="Quantize"/> will be given; null for the defaults.</param>
    /// <exception cref="GraphException">The model has no graph or an opset older than 13.</exception>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public static CalibrationPlan PlanCalibration(ModelProto model, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= QuantizationOptions.Default;
        QuantizationOptionsValidator.Validate(options);
        var analysis = QdqAnalysis.Run(model, options, ranges: null);
        return new CalibrationPlan(analysis.CalibratedTensors, new HashSet<string>(analysis.NonNegative, StringComparer.Ordinal));
    }

    /// <summary>Quantizes <paramref name="model"/> with the given activation ranges. The input model is not changed.</summary>
    /// <param name="model">The float model (standard domain opset 13 or newer, BatchNormalization folded).</param>
    /// <param name="ranges">Calibrated ranges by tensor name; a node whose tensors have none stays float.</param>
    /// <param name="options">Activation type, per-channel weights, excluded nodes; null for the defaults.</param>
    /// <returns>The QDQ model (same graph inputs and outputs) and the report.</returns>
    /// <exception cref="GraphException">The model has no graph, an opset older than 13, or a range is not finite.</exception>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public static QuantizationResult Quantize(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ranges);
        options ??= QuantizationOptions.Default;
        QuantizationOptionsValidator.Validate(options);
        var analysis = QdqAnalysis.Run(model, options, ranges);
        return QdqRewriter.Rewrite(model, analysis, ranges, options);
    }
}
