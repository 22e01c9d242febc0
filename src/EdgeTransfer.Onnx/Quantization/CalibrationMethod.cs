namespace EdgeTransfer.Onnx.Quantization;

/// <summary>How the range of an activation tensor is taken from the calibration data.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen. Keeps every value representable; outliers widen the step.</summary>
    MinMax = 0,

    /// <summary>
    /// The values at <see cref="QuantizationOptions.Percentile"/> of a histogram (half of the excess cut from
    /// each tail). Clips rare outliers in exchange for a finer step on the bulk of the values.
    /// </summary>
    Percentile = 1,
}
