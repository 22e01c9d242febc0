using System.Globalization;

namespace EdgeTransfer.Training;

/// <summary>Checks <see cref="HeadTrainerOptions"/>; every message names the option.</summary>
public static class HeadTrainerOptionsValidator
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
