using System.Globalization;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>Checks <see cref="OnDeviceTrainerOptions"/>; every message names the option, the rule and the value.</summary>
internal static class OnDeviceTrainerOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad option.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(OnDeviceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Epochs is >= 1 and <= 10_000, nameof(options.Epochs), "must be 1 to 10000", options.Epochs);
        Require(options.BatchSize is >= 1 and <= 4096, nameof(options.BatchSize), "must be 1 to 4096", options.BatchSize);
        // Not capped at 10 like device.json: a caller may probe what an absurd rate does, and the run aborts cleanly.
        Require(double.IsFinite(options.LearningRate) && options.LearningRate > 0 && options.LearningRate <= float.MaxValue, nameof(options.LearningRate), "must be a finite number above 0", options.LearningRate);
        Require(double.IsFinite(options.ValidationFraction) && options.ValidationFraction is >= 0.05 and <= 0.5, nameof(options.ValidationFraction), "must be from 0.05 to 0.5", options.ValidationFraction);
        Require(options.EarlyStoppingPatience is >= 0 and <= 10_000, nameof(options.EarlyStoppingPatience), "must be 0 (never stop early) to 10000", options.EarlyStoppingPatience);
        Require(Enum.IsDefined(options.EarlyStoppingMetric), nameof(options.EarlyStoppingMetric), "must be ValidationLoss or ValidationAccuracy", (int)options.EarlyStoppingMetric);
        Require(Enum.IsDefined(options.Start), nameof(options.Start), "must be BundleCheckpoint or CurrentHead", (int)options.Start);
        Require(options.MinTrainingSamplesPerClass is >= 1 and <= 1_000_000, nameof(options.MinTrainingSamplesPerClass), "must be 1 to 1000000", options.MinTrainingSamplesPerClass);
        if (options.WeightDecay is { } wd)
        {
            Require(double.IsFinite(wd) && wd is >= 0 and < 1, nameof(options.WeightDecay), "must be from 0 up to (not including) 1, or null for the bundle's", wd);
        }

        if (options.LabelSmoothing is { } ls)
        {
            Require(double.IsFinite(ls) && ls is >= 0 and < 1, nameof(options.LabelSmoothing), "must be from 0 up to (not including) 1, or null for the bundle's", ls);
        }

        Require(double.IsFinite(options.LossLimit) && options.LossLimit > 0 && options.LossLimit <= float.MaxValue, nameof(options.LossLimit), "must be a finite number above 0", options.LossLimit);
        if (options.Schedule is null)
        {
            throw Invalid(nameof(options.Schedule), "must be set (LearningRateSchedule.Constant for a fixed rate).");
        }

        if (options.Gate is null)
        {
            throw Invalid(nameof(options.Gate), "must be set.");
        }

        if (options.Runtime is null)
        {
            throw Invalid(nameof(options.Runtime), "must be set.");
        }

        QualityGateOptionsValidator.Validate(options.Gate);
        // The schedule and runtime rules live with the trainer that runs them: check them the same way here.
        HeadTrainerOptionsValidator.Validate(new HeadTrainerOptions { Schedule = options.Schedule, Runtime = options.Runtime });
    }

    private static void Require(bool ok, string option, string rule, IFormattable actual)
    {
        if (!ok)
        {
            throw Invalid(option, $"{rule}; got {actual.ToString(null, CultureInfo.InvariantCulture)}.");
        }
    }

    private static InvalidSettingException Invalid(string option, string reason) =>
        new("OnDeviceTrainerOptions." + option, reason);
}
