using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Quantization.Calibration;

namespace EdgeTransfer.Quantization;

/// <summary>The quantized model with its report, and the calibration behind it.</summary>
/// <param name="Quantization">The QDQ model and the quantization report.</param>
/// <param name="Calibration">The ranges and the number of images used.</param>
public sealed record StaticQuantizationResult(QuantizationResult Quantization, CalibrationResult Calibration);
