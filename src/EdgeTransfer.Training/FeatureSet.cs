using System.Globalization;

namespace EdgeTransfer.Training;

/// <summary>
/// Labelled feature vectors to train or evaluate a head on: <see cref="Count"/> rows of
/// <see cref="FeatureSize"/> floats, one class index per row and an optional weight per row.
/// </summary>
/// <remarks>The arrays are taken as they are, not copied; do not change them while a run uses them.</remarks>
public sealed class FeatureSet
{
    /// <summary>Creates the set.</summary>
    /// <param name="features">Row-major [count, featureSize] values.</param>
    /// <param name="labels">The class index of every row.</param>
    /// <param name="featureSize">D, the length of one row.</param>
    /// <param name="sampleWeights">A weight ≥ 0 per row, or null for weight 1 everywhere.</param>
    /// <exception cref="ArgumentException">The lengths do not agree, or a weight is negative or not finite.</exception>
    public FeatureSet(float[] features, long[] labels, int featureSize, float[]? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureSize, 1);
        if (labels.Length == 0)
        {
            throw new ArgumentException("A feature set needs at least one labelled row.", nameof(labels));
        }

        if ((long)labels.Length * featureSize != features.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{labels.Length} labels of feature size {featureSize} need {(long)labels.Length * featureSize} values; {features.Length} were given."),
                nameof(features));
        }

        if (sampleWeights is not null)
        {
            if (sampleWeights.Length != labels.Length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{labels.Length} rows need {labels.Length} sample weights; {sampleWeights.Length} were given."),
                    nameof(sampleWeights));
            }

            for (var i = 0; i < sampleWeights.Length; i++)
            {
                if (!float.IsFinite(sampleWeights[i]) || sampleWeights[i] < 0)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"Sample weight {i} is {sampleWeights[i]}; weights must be finite and 0 or more."),
                        nameof(sampleWeights));
                }
            }
        }

        Features = features;
        Labels = labels;
        FeatureSize = featureSize;
        SampleWeights = sampleWeights;
    }

    /// <summary>The number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>D, the length of one row.</summary>
    public int FeatureSize { get; }

    /// <summary>Row-major [Count, FeatureSize] values.</summary>
    public ReadOnlyMemory<float> Features { get; }

    /// <summary>The class index of every row.</summary>
    public ReadOnlyMemory<long> Labels { get; }

    /// <summary>A weight per row, or null for weight 1 everywhere.</summary>
    public ReadOnlyMemory<float>? SampleWeights { get; }

    /// <summary>One row.</summary>
    /// <param name="index">The row index.</param>
    public ReadOnlySpan<float> Row(int index) => Features.Span.Slice(index * FeatureSize, FeatureSize);
}
