namespace EdgeTransfer.Onnx.Quantization;

/// <summary>What static QDQ quantization did to a model; the bundle manifest records it.</summary>
public sealed class QuantizationReport
{
    /// <summary>The activation type used.</summary>
    public required ActivationType ActivationType { get; init; }

    /// <summary>Whether Conv weights were quantized per output channel.</summary>
    public required bool PerChannel { get; init; }

    /// <summary>Whether weights were limited to 7 bits (<see cref="QuantizationOptions.ReduceWeightRange"/>).</summary>
    public required bool ReducedWeightRange { get; init; }

    /// <summary>The int8 weight initializers whose values are 4-bit ([-7, 7]; <see cref="QuantizationOptions.Int4MinWeightCount"/>), in graph order.</summary>
    public IReadOnlyList<string> Int4Weights { get; init; } = [];

    /// <summary>Quantized nodes by operator (Conv, Add, MaxPool, AveragePool, GlobalAveragePool).</summary>
    public required IReadOnlyDictionary<string, int> QuantizedNodeCounts { get; init; }

    /// <summary>Relu nodes removed because the quantization range of their input (Conv/Add output) clips at 0.</summary>
    public required int AbsorbedReluCount { get; init; }

    /// <summary>Activation tensors that got a QuantizeLinear.</summary>
    public required int QuantizedTensorCount { get; init; }

    /// <summary>Nodes that run in float, with the reason for each.</summary>
    public required IReadOnlyList<FloatOp> FloatOps { get; init; }

    /// <summary>Bytes of the float weights and biases that were replaced.</summary>
    public required long FloatParameterBytes { get; init; }

    /// <summary>Bytes of the int8 weights, int32 biases, scales and zero points that replaced them.</summary>
    public required long QuantizedParameterBytes { get; init; }

    /// <summary>Bytes of the float model as serialized.</summary>
    public required long FloatModelBytes { get; init; }

    /// <summary>Bytes of the quantized model as serialized.</summary>
    public required long QuantizedModelBytes { get; init; }

    /// <summary>The total number of quantized nodes.</summary>
    public int QuantizedNodeCount => QuantizedNodeCounts.Values.Sum();
}
