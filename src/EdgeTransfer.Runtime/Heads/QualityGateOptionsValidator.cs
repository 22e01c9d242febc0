using System.Globalization;

namespace EdgeTransfer.Runtime.Heads;

/// <summary>Checks <see cref="QualityGateOptions"/>.</summary>
internal static class QualityGateOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(QualityGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.Margin) || options.Margin is < -1 or > 1)
        {
            throw new InvalidSettingException("QualityGateOptions.Margin", string.Create(CultureInfo.InvariantCulture, $"must be a number from -1 to 1 (an accuracy difference); got {options.Margin}."));
        }

        if (options.MinValidationSamples < 1)
        {
            throw new InvalidSettingException("QualityGateOptions.MinValidationSamples", $"must be 1 or more; got {options.MinValidationSamples}.");
        }

        if (options.MinValidationSamplesPerClass < 0)
        {
            throw new InvalidSettingException("QualityGateOptions.MinValidationSamplesPerClass", $"must be 0 or more; got {options.MinValidationSamplesPerClass}.");
        }
    }
}
