using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Preparation;

/// <summary>A quantized backbone and how it was made.</summary>
/// <param name="Model">The QDQ model.</param>
/// <param name="Info">The manifest's quantization section.</param>
/// <param name="Int4Weights">The int8 initializers of <paramref name="Model"/> that hold 4-bit values (none without <see cref="QuantizeOptions.Int4MinWeights"/>).</param>
public sealed record QuantizedBackbone(ModelProto Model, QuantizationInfo Info, IReadOnlyList<string> Int4Weights);
