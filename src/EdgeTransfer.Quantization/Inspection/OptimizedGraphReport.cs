namespace EdgeTransfer.Quantization.Inspection;

/// <summary>What ONNX Runtime's optimized graph of a model runs: the evidence that a QDQ model is really int8.</summary>
public sealed class OptimizedGraphReport
{
    /// <summary>Nodes by operator, written <c>domain:op</c> for other domains than the standard one (e.g. <c>com.microsoft:QLinearConv</c>).</summary>
    public required IReadOnlyDictionary<string, int> OperatorCounts { get; init; }

    /// <summary>Convolutions that run on int8 (QLinearConv, ConvInteger) in any domain.</summary>
    public required int IntegerConvCount { get; init; }

    /// <summary>Convolutions that run in float (Conv, FusedConv, NCHWc Conv) in any domain.</summary>
    public required int FloatConvCount { get; init; }

    /// <summary>DequantizeLinear nodes whose output a float convolution reads: a QDQ group that was not fused.</summary>
    public required int DequantizeFeedingConvCount { get; init; }

    /// <summary>QuantizeLinear and DequantizeLinear nodes left (at the graph's edges a few are expected).</summary>
    public required int QuantizeDequantizeCount { get; init; }

    /// <summary>Whether every convolution runs as an int8 kernel.</summary>
    public bool AllConvolutionsInteger => IntegerConvCount > 0 && FloatConvCount == 0 && DequantizeFeedingConvCount == 0;
}
