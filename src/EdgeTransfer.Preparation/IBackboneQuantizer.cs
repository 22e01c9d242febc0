using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Preparation;

/// <summary>Quantizes a prepared float backbone to INT8 (calibration needs ONNX Runtime, which this library does not reference).</summary>
public interface IBackboneQuantizer
{
    /// <summary>Calibrates and quantizes <paramref name="backbone"/>.</summary>
    /// <param name="backbone">The prepared float backbone (BN folded, symbolic batch).</param>
    /// <param name="spec">How images are preprocessed for it.</param>
    /// <param name="options">Calibration and quantization options.</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>The quantized model and the manifest's description of it.</returns>
    QuantizedBackbone Quantize(ModelProto backbone, PreprocessingSpec spec, QuantizeOptions options, Action<string> log);
}
