namespace EdgeTransfer.Onnx.Quantization;

/// <summary>Checks <see cref="QuantizationOptions"/> before any work starts.</summary>
internal static class QuantizationOptionsValidator
{
    /// <summary>Throws when a setting cannot be used.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="InvalidSettingException">A setting is out of range; the message names it.</exception>
    public static void Validate(QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.ActivationType))
        {
            throw new InvalidSettingException("quantization.activationType", $"'{options.ActivationType}' is not a known activation type; use UInt8 (U8S8) or Int8 (S8S8).");
        }

        if (!Enum.IsDefined(options.Method))
        {
            throw new InvalidSettingException("quantization.method", $"'{options.Method}' is not a known calibration method; use MinMax or Percentile.");
        }

        // Below 50 % the "kept" interval would not even hold the median; 100 is plain min/max.
        if (double.IsNaN(options.Percentile) || options.Percentile <= 50 || options.Percentile > 100)
        {
            throw new InvalidSettingException("quantization.percentile", $"{options.Percentile} is not a usable percentile; give a value above 50 and at most 100 (default {QuantizationOptions.DefaultPercentile}).");
        }

        if (options.Int4MinWeightCount < 0)
        {
            throw new InvalidSettingException("quantization.int4MinWeightCount", $"{options.Int4MinWeightCount} is negative; give the smallest Conv weight (in values) to store in 4 bits, or 0 for none.");
        }

        if (options.Int4GroupSize is < 0 or > 65_536)
        {
            throw new InvalidSettingException("quantization.int4GroupSize", $"{options.Int4GroupSize} is outside 0–65536; give the values per shared 4-bit step (such as 32), or 0 for one step per channel.");
        }

        if (!Enum.IsDefined(options.Int4Rounding))
        {
            throw new InvalidSettingException("quantization.int4Rounding", $"'{options.Int4Rounding}' is not a known rounding; use Nearest or MseScale.");
        }

        if (options.ExcludedNodes is null)
        {
            throw new InvalidSettingException("quantization.excludedNodes", "the set of excluded nodes is null; use an empty set to exclude nothing.");
        }
    }
}
