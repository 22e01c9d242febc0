using System.Globalization;

namespace EdgeTransfer.Training;

/// <summary>
/// The checks a <see cref="HeadTrainer"/> run makes on its data before the first step, so that a bad set fails with a
/// sentence naming the sample instead of a NaN loss many steps later.
/// </summary>
internal static class TrainingDataCheck
{
    /// <summary>Throws <see cref="TrainingException"/> naming the first problem of <paramref name="data"/>.</summary>
    /// <param name="data">The labelled features.</param>
    /// <param name="featureSize">D of the training graph.</param>
    /// <param name="classWeights">The class weights of the run; their count is C.</param>
    public static void Check(FeatureSet data, int featureSize, IReadOnlyList<float> classWeights)
    {
        if (data.FeatureSize != featureSize)
        {
            throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"The features have size {data.FeatureSize} but the head takes {featureSize}; use features from this bundle's backbone."));
        }

        var classCount = classWeights.Count;
        var labels = data.Labels.Span;
        var weights = data.SampleWeights is { } w ? w.Span : default;
        var total = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
            {
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Sample {i} has label {labels[i]}, which is not a class index (0 to {classCount - 1})."));
            }

            total += (weights.IsEmpty ? 1f : weights[i]) * classWeights[(int)labels[i]];
        }

        if (total <= 0)
        {
            throw new TrainingException("Every sample has weight 0 (sample weight times class weight); there is nothing to learn from.");
        }

        var features = data.Features.Span;
        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Sample {i / featureSize} has a {(float.IsNaN(features[i]) ? "NaN" : "infinite")} feature (index {i % featureSize}); drop or re-capture it. The head is unchanged."));
            }
        }
    }
}
