namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Settings of static QDQ quantization and of the calibration that feeds it. The defaults are the
/// flavour measured fastest on x86-64 (uint8 activations, int8 per-channel weights, min/max ranges).
/// Check with <see cref="QuantizationOptionsValidator"/>.
/// </summary>
public sealed class QuantizationOptions
{
    /// <summary>The percentile used when none is given: 99.99 keeps all but 1 value in 10,000.</summary>
    public const double DefaultPercentile = 99.99;

    /// <summary>The integer type of activations (default <see cref="ActivationType.UInt8"/>, U8S8).</summary>
    public ActivationType ActivationType { get; init; } = ActivationType.UInt8;

    /// <summary>Whether Conv weights get one scale per output channel (default) or one per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>
    /// Whether weights use 7 bits ([-64, 64]) instead of 8 ([-127, 127]). For U8S8 on x86-64 CPUs with AVX2 or
    /// AVX-512 but no VNNI, where ORT's kernels add pairs of uint8·int8 products in 16 bits (VPMADDUBSW), which
    /// can saturate with full-range weights; not needed with VNNI or on ARM64. Default off.
    /// </summary>
    public bool ReduceWeightRange { get; init; }

    /// <summary>
    /// Conv weights with at least this many values get 4-bit weights ([-7, 7], per channel) in their int8 initializers;
    /// 0 (default) for none. ONNX Runtime still runs its int8 kernels on them, so speed is unchanged, while a bundle
    /// can store them packed two to a byte (docs/quantization.md, "4-bit weights at rest").
    /// </summary>
    public long Int4MinWeightCount { get; init; }

    /// <summary>
    /// 4-bit weights in runs of this many values (along each output channel's flattened [C/group·kH·kW]) share a step that is a
    /// whole multiple, 1 to <see cref="QuantMath.Int4GroupMultiplierMax"/>, of the channel's scale, so that the int8 value is
    /// multiplier × a 4-bit value: finer 4-bit steps at the same int8 kernels. 0 (default): one step per channel.
    /// </summary>
    public int Int4GroupSize { get; init; }

    /// <summary>How the scales of 4-bit weights are chosen (default <see cref="WeightRounding.Nearest"/>, which measured better on ResNet18: docs/benchmarks.md).</summary>
    public WeightRounding Int4Rounding { get; init; } = WeightRounding.Nearest;

    /// <summary>How activation ranges are calibrated (default <see cref="CalibrationMethod.MinMax"/>).</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>The share of values (in percent, 50 &lt; p ≤ 100) kept by <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = DefaultPercentile;

    /// <summary>Names of nodes to leave in float even when they could be quantized.</summary>
    public IReadOnlySet<string> ExcludedNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The options used when none are given.</summary>
    public static QuantizationOptions Default { get; } = new();
}
