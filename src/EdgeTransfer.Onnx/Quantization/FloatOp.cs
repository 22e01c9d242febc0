namespace EdgeTransfer.Onnx.Quantization;

/// <summary>A node that stays in float in the quantized model, and why.</summary>
/// <param name="NodeName">The node's name (or its operator and first output when it has none).</param>
/// <param name="OpType">The operator, with its domain when not the standard one.</param>
/// <param name="Reason">Why it was not quantized, as a sentence.</param>
public sealed record FloatOp(string NodeName, string OpType, string Reason);
