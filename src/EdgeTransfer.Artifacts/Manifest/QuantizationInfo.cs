namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>How the INT8 backbone was made (null in the manifest when the bundle has no quantized backbone).</summary>
public sealed record QuantizationInfo
{
    /// <summary>The method, such as <c>qdq-static</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The activation type: <c>uint8</c> or <c>int8</c>.</summary>
    public required string ActivationType { get; init; }

    /// <summary>The weight type: <c>int8</c> or <c>uint8</c>.</summary>
    public required string WeightType { get; init; }

    /// <summary>Whether weights have one scale per output channel (true) or per tensor.</summary>
    public required bool PerChannel { get; init; }

    /// <summary>The number of calibration images the activation ranges come from.</summary>
    public required int CalibrationCount { get; init; }

    /// <summary>How ranges were taken from the calibration data (<c>minmax</c>, <c>percentile-99.99</c> …).</summary>
    public required string RangeMethod { get; init; }

    /// <summary>How many Conv weights hold 4-bit values ([-7, 7]) in their int8 initializers (format 3; 0 for none).</summary>
    public int Int4Weights { get; init; }

    /// <summary>How the scales of the 4-bit weights were chosen (<c>mse</c> or <c>nearest</c>), or null without them.</summary>
    public string? Int4Rounding { get; init; }

    /// <summary>Values that share one 4-bit step (a multiple 1–16 of the channel scale), or 0 for one step per channel.</summary>
    public int Int4GroupSize { get; init; }

    /// <summary>The operator types left in float on purpose (may be empty).</summary>
    public IReadOnlyList<string> FloatOps { get; init; } = [];
}
