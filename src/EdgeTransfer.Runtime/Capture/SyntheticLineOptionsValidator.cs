using System.Globalization;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>Checks <see cref="SyntheticLineOptions"/>.</summary>
internal static class SyntheticLineOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(SyntheticLineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Size is < SyntheticPartGenerator.MinSize or > SyntheticPartGenerator.MaxSize)
        {
            throw new InvalidSettingException("SyntheticLineOptions.Size", $"must be {SyntheticPartGenerator.MinSize}–{SyntheticPartGenerator.MaxSize} pixels; got {options.Size}.");
        }

        if (options.ClassMix is null || options.ClassMix.Count == 0)
        {
            throw new InvalidSettingException("SyntheticLineOptions.ClassMix", $"must name at least one class with a weight (classes: {string.Join(", ", SyntheticPartGenerator.DefectClasses)}).");
        }

        foreach (var (name, weight) in options.ClassMix)
        {
            if (!SyntheticPartGenerator.DefectClasses.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidSettingException($"SyntheticLineOptions.ClassMix.{name}", $"is not a synthetic class; use one of {string.Join(", ", SyntheticPartGenerator.DefectClasses)}.");
            }

            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new InvalidSettingException($"SyntheticLineOptions.ClassMix.{name}", string.Create(CultureInfo.InvariantCulture, $"must be a weight of 0 or more; got {weight}."));
            }
        }

        if (options.ClassMix.Values.Sum() <= 0)
        {
            throw new InvalidSettingException("SyntheticLineOptions.ClassMix", "has no class with a weight above 0; give at least one class a positive weight.");
        }

        if (options.FrameCount is < 0)
        {
            throw new InvalidSettingException("SyntheticLineOptions.FrameCount", $"must be 0 or more, or absent for an endless line; got {options.FrameCount}.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new InvalidSettingException("SyntheticLineOptions.Name", "must not be empty; it names the source in status reports.");
        }

        CaptureSettings.CheckRate("SyntheticLineOptions.FramesPerSecond", options.FramesPerSecond);
    }
}
