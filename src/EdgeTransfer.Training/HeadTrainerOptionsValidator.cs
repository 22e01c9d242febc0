using System.Globalization;

namespace EdgeTransfer.Training;

/// <summary>Checks <see cref="HeadTrainerOptions"/>; every message names the option.</summary>
internal static class HeadTrainerOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad option.</summary>
    /// <param name="options">The options.</param>
    /// <param name="classCount">C, to check the length of the class weights; null to skip that check.</param>
    public static void Validate(HeadTrainerOptions options, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options.BatchSize is >= 1 and <= 1 << 20, nameof(options.BatchSize), "must be 1 to 1048576", options.BatchSize);
        Require(options.Epochs is >= 1 and <= 100_000, nameof(options.Epochs), "must be 1 to 100000", options.Epochs);
        Require(float.IsFinite(options.LearningRate) && options.LearningRate > 0, nameof(options.LearningRate), "must be a finite number above 0", options.LearningRate);
        Require(float.IsFinite(options.WeightDecay) && options.WeightDecay >= 0 && options.WeightDecay < 1, nameof(options.WeightDecay), "must be from 0 up to (not including) 1", options.WeightDecay);
        Require(float.IsFinite(options.LabelSmoothing) && options.LabelSmoothing >= 0 && options.LabelSmoothing < 1, nameof(options.LabelSmoothing), "must be from 0 up to (not including) 1", options.LabelSmoothing);
        Require(float.IsFinite(options.LossLimit) && options.LossLimit > 0, nameof(options.LossLimit), "must be a finite number above 0", options.LossLimit);
        if (options.Runtime is null)
        {
            throw new InvalidSettingException("HeadTrainerOptions.Runtime", "must be set.");
        }

        RuntimeOptionsValidator.Validate(options.Runtime);
        if (options.Schedule is not { } schedule)
        {
            throw new InvalidSettingException("HeadTrainerOptions.Schedule", "must be set (LearningRateSchedule.Constant for a fixed rate).");
        }

        Require(Enum.IsDefined(schedule.Kind), "Schedule.Kind", "must be Constant, Cosine or Step", (int)schedule.Kind);
        Require(schedule.WarmupEpochs is >= 0 and <= 100_000, "Schedule.WarmupEpochs", "must be 0 to 100000", schedule.WarmupEpochs);
        Require(double.IsFinite(schedule.MinimumFactor) && schedule.MinimumFactor is >= 0 and <= 1, "Schedule.MinimumFactor", "must be from 0 to 1", schedule.MinimumFactor);
        Require(schedule.StepEpochs is >= 1 and <= 100_000, "Schedule.StepEpochs", "must be 1 to 100000", schedule.StepEpochs);
        Require(double.IsFinite(schedule.StepFactor) && schedule.StepFactor > 0 && schedule.StepFactor <= 1, "Schedule.StepFactor", "must be above 0 and at most 1", schedule.StepFactor);
        if (options.ClassWeights is { } weights)
        {
            if (classCount is { } c && weights.Count != c)
            {
                throw Invalid(nameof(options.ClassWeights), string.Create(CultureInfo.InvariantCulture, $"must have one weight per class ({c}); got {weights.Count}."));
            }

            var sum = 0.0;
            for (var i = 0; i < weights.Count; i++)
            {
                if (!float.IsFinite(weights[i]) || weights[i] < 0)
                {
                    throw Invalid(nameof(options.ClassWeights), string.Create(CultureInfo.InvariantCulture, $"weight {i} is {weights[i]}; weights must be finite and 0 or more."));
                }

                sum += weights[i];
            }

            if (sum <= 0)
            {
                throw Invalid(nameof(options.ClassWeights), "are all 0; at least one class must count.");
            }
        }
    }

    private static void Require(bool ok, string option, string rule, IFormattable actual)
    {
        if (!ok)
        {
            throw Invalid(option, $"{rule}; got {actual.ToString(null, CultureInfo.InvariantCulture)}.");
        }
    }

    private static InvalidSettingException Invalid(string option, string reason) =>
        new("HeadTrainerOptions." + option, reason);
}
