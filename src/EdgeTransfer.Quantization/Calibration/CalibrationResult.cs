using EdgeTransfer.Onnx.Quantization;

namespace EdgeTransfer.Quantization.Calibration;

/// <summary>The calibrated activation ranges and what they were measured on.</summary>
public sealed class CalibrationResult
{
    /// <summary>The range of each calibrated tensor, by name.</summary>
    public required IReadOnlyDictionary<string, TensorRange> Ranges { get; init; }

    /// <summary>The method the ranges were taken with.</summary>
    public required CalibrationMethod Method { get; init; }

    /// <summary>The percentile, when <see cref="Method"/> is <see cref="CalibrationMethod.Percentile"/>.</summary>
    public required double Percentile { get; init; }

    /// <summary>The number of images (samples: the sum of the batches' first dimensions) run through the model.</summary>
    public required int ImagesUsed { get; init; }

    /// <summary>The number of batches run.</summary>
    public required int BatchesUsed { get; init; }
}
