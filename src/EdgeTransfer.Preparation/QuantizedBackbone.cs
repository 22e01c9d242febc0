using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Preparation;

/// <summary>A quantized backbone and how it was made.</summary>
/// <param name="Model">The QDQ model.</param>
/// <param name="Info">The manifest's quantization section.</param>
public sealed record QuantizedBackbone(ModelProto Model, QuantizationInfo Info);
