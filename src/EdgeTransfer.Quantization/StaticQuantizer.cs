using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Quantization.Calibration;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Quantization;

/// <summary>Static INT8 quantization end to end: calibrate with ONNX Runtime, then write the QDQ model.</summary>
public static class StaticQuantizer
{
    /// <summary>Calibrates <paramref name="floatModel"/> on <paramref name="batches"/> and quantizes it.</summary>
    /// <param name="floatModel">The float model (opset 13 or newer, BatchNormalization folded); not changed.</param>
    /// <param name="batches">Preprocessed input batches ([N,C,H,W] for images), enumerated once.</param>
    /// <param name="options">Activation type, per-channel weights, method, percentile, excluded nodes; null for the defaults.</param>
    /// <param name="sessionOptions">ONNX Runtime settings for calibration; null for the defaults. The caller keeps ownership.</param>
    /// <param name="cancellationToken">Checked between calibration batches.</param>
    /// <exception cref="CalibrationException">No images, or a batch that does not fit the model.</exception>
    /// <exception cref="GraphException">The model cannot be quantized (opset older than 13, no graph).</exception>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public static StaticQuantizationResult Quantize(
        ModelProto floatModel,
        IEnumerable<CalibrationBatch> batches,
        QuantizationOptions? options = null,
        SessionOptions? sessionOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        options ??= QuantizationOptions.Default;
        QuantizationOptionsValidator.Validate(options);
        var calibration = ActivationCalibrator.Calibrate(floatModel, batches, options, sessionOptions, cancellationToken);
        var quantization = QdqQuantizer.Quantize(floatModel, calibration.Ranges, options);
        return new StaticQuantizationResult(quantization, calibration);
    }
}
