using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>The QDQ model and what was done to it.</summary>
/// <param name="Model">The quantized model (standard ONNX QuantizeLinear/DequantizeLinear, same inputs and outputs).</param>
/// <param name="Report">Counts, the nodes left in float, and sizes.</param>
public sealed record QuantizationResult(ModelProto Model, QuantizationReport Report);
