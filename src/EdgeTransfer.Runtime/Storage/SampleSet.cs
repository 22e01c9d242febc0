namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// Every live sample of a store, as the training graph takes them: features row-major [N, D] and labels as
/// int64 class indices [N] (the <c>labels</c> input of <c>train.onnx</c>), in the order the samples were added.
/// </summary>
public sealed class SampleSet
{
    private readonly long[]? _parts;

    internal SampleSet(IReadOnlyList<string> classes, int featureDimension, float[] features, long[] labels, long[] ids)
    {
        Classes = classes;
        FeatureDimension = featureDimension;
        Features = features;
        Labels = labels;
        Ids = ids;
        var counts = new int[classes.Count];
        foreach (var label in labels)
        {
            counts[label]++;
        }

        CountsByClassIndex = counts;
    }

    /// <summary>The class names; a label is an index into this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>D, the number of floats per sample.</summary>
    public int FeatureDimension { get; }

    /// <summary>N, the number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>The feature vectors, row-major [N, D].</summary>
    public float[] Features { get; }

    /// <summary>The class index of every sample [N].</summary>
    public long[] Labels { get; }

    /// <summary>The store id of every sample [N], to relate a sample back to the store.</summary>
    public long[] Ids { get; }

    /// <summary>
    /// The part of every sample [N]: its own id, or for an augmented view the id of its frame's own sample. Samples of
    /// one part stay on one side of every training/validation split.
    /// </summary>
    public long[] Parts
    {
        get => _parts ?? Ids;
        internal init => _parts = value;
    }

    /// <summary>How many samples each class has, by class index.</summary>
    public IReadOnlyList<int> CountsByClassIndex { get; }

    /// <summary>The features of sample <paramref name="index"/> (a view, not a copy).</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    public ReadOnlySpan<float> FeaturesOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureDimension, FeatureDimension);
    }
}
