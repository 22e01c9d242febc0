namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>The bytes one layer of the int8 backbone file holds (its weights, biases, scales and zero points).</summary>
/// <param name="Layer">The node the tensors feed (through their DequantizeLinear), e.g. a Conv.</param>
/// <param name="OpType">That node's operator.</param>
/// <param name="WeightShape">The shape of its largest tensor (the weight).</param>
/// <param name="Elements">The number of values in its tensors.</param>
/// <param name="Bytes">The bytes of its tensors' data.</param>
public sealed record LayerBytes(string Layer, string OpType, IReadOnlyList<long> WeightShape, long Elements, long Bytes);
