namespace EdgeTransfer.Preparation;

/// <summary>How <c>prepare --quantize int8</c> calibrates and quantizes the backbone.</summary>
public sealed class QuantizeOptions
{
    /// <summary>The calibration images: an ImageFolder tree or a flat folder; null generates synthetic parts.</summary>
    public string? CalibrationDirectory { get; init; }

    /// <summary>At most this many calibration images are used.</summary>
    public int MaxImages { get; init; } = 64;

    /// <summary><c>percentile</c> (default) or <c>minmax</c>.</summary>
    public string Method { get; init; } = "percentile";

    /// <summary>The percentile of <c>percentile</c> calibration.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary><c>uint8</c> (U8S8, default: what x86-64 fuses fastest) or <c>int8</c> (S8S8).</summary>
    public string ActivationType { get; init; } = "uint8";

    /// <summary>Also keep the float backbone in the bundle.</summary>
    public bool KeepFloat { get; init; } = true;
}
