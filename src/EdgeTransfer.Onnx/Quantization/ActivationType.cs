using System.Diagnostics.CodeAnalysis;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// The integer type of quantized activations. Weights are always int8 (symmetric), so the two values
/// are the two flavours ONNX Runtime names U8S8 and S8S8 (see docs/quantization.md).
/// </summary>
public enum ActivationType
{
    /// <summary>
    /// uint8 activations, asymmetric (U8S8). ONNX Runtime's x86-64 int8 kernels (AVX2, AVX-512 VNNI)
    /// take unsigned activations natively; measured 2.25–2.5× faster than float at batch 1 here.
    /// </summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are ONNX element types (tensor(uint8)); the type name is the meaning.")]
    UInt8 = 0,

    /// <summary>
    /// int8 activations, asymmetric (S8S8). Suits ARM64 dot-product kernels (SDOT); slower than float
    /// on x86-64 AVX-512 VNNI in our measurements.
    /// </summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are ONNX element types (tensor(int8)); the type name is the meaning.")]
    Int8 = 1,
}
