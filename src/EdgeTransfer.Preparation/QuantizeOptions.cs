namespace EdgeTransfer.Preparation;

/// <summary>How <c>prepare --quantize int8</c> calibrates and quantizes the backbone.</summary>
public sealed class QuantizeOptions
{
    /// <summary>The calibration images: an ImageFolder tree or a flat folder; null generates synthetic parts.</summary>
    public string? CalibrationDirectory { get; init; }

    /// <summary>At most this many calibration images are used.</summary>
    public int MaxImages { get; init; } = 64;

    /// <summary><c>minmax</c> (default) or <c>percentile</c>.</summary>
    /// <remarks>
    /// Min/max is the default because it measured better on the ResNet18 (mean feature cosine 0.998 vs
    /// 0.993 for the 99.99th percentile, see docs/quantization.md): clipping the few large activations
    /// of the last stage costs more than the resolution it buys.
    /// </remarks>
    public string Method { get; init; } = "minmax";

    /// <summary>The percentile of <c>percentile</c> calibration.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary><c>uint8</c> (U8S8, default: what x86-64 fuses fastest) or <c>int8</c> (S8S8).</summary>
    public string ActivationType { get; init; } = "uint8";

    /// <summary>
    /// Conv weights with at least this many values get 4-bit weights, stored packed in the bundle (role
    /// <c>packed-weights</c>) and put back as int8 initializers when the backbone is loaded; 0 for none.
    /// </summary>
    public long Int4MinWeights { get; init; }

    /// <summary>4-bit weights in runs of this many values share a step, a multiple 1–16 of the channel's scale; 0 for one step per channel.</summary>
    public int Int4GroupSize { get; init; }

    /// <summary>How 4-bit weight scales are chosen: <c>nearest</c> (default; measured better on ResNet18) or <c>mse</c> (squared-error search).</summary>
    public string Int4Rounding { get; init; } = "nearest";

    /// <summary>Also keep the float backbone in the bundle.</summary>
    public bool KeepFloat { get; init; } = true;

    /// <summary>The seed of the synthetic calibration parts (when no folder is given).</summary>
    public int SyntheticSeed { get; init; } = 7;

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidSettingException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Method is not ("minmax" or "percentile"))
        {
            throw new InvalidSettingException("--calibration-method", $"'{Method}' is not a range method; use 'minmax' or 'percentile'.");
        }

        if (!(Percentile > 50 && Percentile <= 100))
        {
            throw new InvalidSettingException("--percentile", $"{Percentile} is outside (50, 100]; the default is 99.99.");
        }

        if (ActivationType is not ("uint8" or "int8"))
        {
            throw new InvalidSettingException("--activations", $"'{ActivationType}' is not an activation type; use 'uint8' (U8S8, fastest on x86-64) or 'int8' (S8S8).");
        }

        if (Int4MinWeights < 0)
        {
            throw new InvalidSettingException("--int4-min-weights", $"{Int4MinWeights} is negative; give the smallest Conv weight (in values) to store in 4 bits, or 0 for none.");
        }

        if (Int4GroupSize is < 0 or > 65_536)
        {
            throw new InvalidSettingException("--int4-group-size", $"{Int4GroupSize} is outside 0–65536; give the values per shared 4-bit step (such as 32), or 0 for one step per channel.");
        }

        if (Int4Rounding is not ("mse" or "nearest"))
        {
            throw new InvalidSettingException("--int4-rounding", $"'{Int4Rounding}' is not a rounding; use 'mse' (squared-error scale search) or 'nearest'.");
        }

        if (MaxImages is < 1 or > 10_000)
        {
            throw new InvalidSettingException("--calibration-images", $"{MaxImages} is outside 1–10000.");
        }

        if (CalibrationDirectory is not null && !Directory.Exists(CalibrationDirectory))
        {
            throw new InvalidSettingException("--calibration", $"folder '{CalibrationDirectory}' does not exist.");
        }
    }
}
