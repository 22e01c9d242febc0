using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Quantization;

namespace EdgeTransfer.Preparation;

/// <summary>
/// <c>prepare --quantize int8</c>: calibrates the prepared float backbone on preprocessed images and
/// rewrites it as a static QDQ model that ONNX Runtime runs with int8 kernels (docs/quantization.md).
/// </summary>
public static class BackboneQuantization
{
    /// <summary>Calibrates and quantizes.</summary>
    /// <param name="backbone">The prepared float backbone (BN folded, symbolic batch, opset 17).</param>
    /// <param name="input">How images are preprocessed for it.</param>
    /// <param name="meanImage">The mean image [C,H,W] when the spec has one.</param>
    /// <param name="options">Calibration and quantization options.</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>The quantized model and the manifest's description of it.</returns>
    public static QuantizedBackbone Run(ModelProto backbone, InputSpec input, float[]? meanImage, QuantizeOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();

        var quantization = new QuantizationOptions
        {
            ActivationType = options.ActivationType == "int8" ? ActivationType.Int8 : ActivationType.UInt8,
            Method = options.Method == "minmax" ? CalibrationMethod.MinMax : CalibrationMethod.Percentile,
            Percentile = options.Percentile,
            Int4MinWeightCount = options.Int4MinWeights,
            Int4Rounding = options.Int4Rounding == "nearest" ? WeightRounding.Nearest : WeightRounding.MseScale,
            Int4GroupSize = options.Int4GroupSize,
        };

        var images = CalibrationImages.Open(options, input, meanImage, log);
        var result = StaticQuantizer.Quantize(backbone, images.Batches(), quantization);
        var report = result.Quantization.Report;
        log($"quantize   {result.Calibration.ImagesUsed} calibration images ({images.Description}), {images.SkippedCount} skipped; " +
            $"{report.QuantizedNodeCount} nodes int8 ({report.Int4Weights.Count} with 4-bit weights), {report.AbsorbedReluCount} Relu absorbed, float ops: {(report.FloatOps.Count == 0 ? "none" : string.Join(", ", report.FloatOps.Select(f => f.OpType)))}");
        foreach (var line in SkippedImageSummary.Lines(images.Skipped))
        {
            log($"  skipped  {line}");
        }

        return new QuantizedBackbone(result.Quantization.Model, new QuantizationInfo
        {
            Method = "static-qdq",
            ActivationType = quantization.ActivationType == ActivationType.UInt8 ? "uint8" : "int8",
            WeightType = "int8",
            PerChannel = quantization.PerChannel,
            CalibrationCount = result.Calibration.ImagesUsed,
            RangeMethod = quantization.Method == CalibrationMethod.MinMax ? "minmax" : $"percentile:{quantization.Percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            Int4Weights = report.Int4Weights.Count,
            Int4Rounding = report.Int4Weights.Count == 0 ? null : options.Int4Rounding,
            Int4GroupSize = report.Int4Weights.Count == 0 ? 0 : options.Int4GroupSize,
            FloatOps = [.. report.FloatOps.Select(f => $"{f.NodeName} ({f.OpType}): {f.Reason}")],
        }, report.Int4Weights);
    }
}
