namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// A fitted anomaly model: the feature shapes it reads, the optional projection of its embeddings, the
/// memory bank of good patches and the threshold. Immutable; score frames with <see cref="AnomalyScorer"/>.
/// </summary>
public sealed class AnomalyModel
{
    /// <summary>Creates the model and checks that its parts fit together.</summary>
    /// <param name="layout">The shapes of the two feature maps the model reads.</param>
    /// <param name="projection">The projection of embeddings, or null for none.</param>
    /// <param name="bank">The memory bank; its rows have the embedder's output length.</param>
    /// <param name="threshold">The decision threshold on raw scores.</param>
    /// <param name="metadata">Free-form facts (fit time, sample counts, bundle …), kept in the model file.</param>
    /// <exception cref="ArgumentException">The parts do not fit together.</exception>
    public AnomalyModel(FeatureLayout layout, RandomProjection? projection, MemoryBank bank, AnomalyThreshold threshold, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(threshold);
        Embedder = new PatchEmbedder(layout, projection);
        if (bank.Dimensions != Embedder.Dimensions)
        {
            throw new ArgumentException($"The memory bank has rows of {bank.Dimensions} values but the embeddings have {Embedder.Dimensions}.", nameof(bank));
        }

        if (!(threshold.Value > 0) || !float.IsFinite(threshold.Value))
        {
            throw new ArgumentException($"The threshold must be a positive number; got {threshold.Value}.", nameof(threshold));
        }

        if (threshold.PositionScale is { } scale && scale.Length != Embedder.Patches)
        {
            throw new ArgumentException($"The position scale has {scale.Length} values but the patch grid has {Embedder.Patches} positions.", nameof(threshold));
        }

        Bank = bank;
        Threshold = threshold;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The shapes of the two feature maps the model reads.</summary>
    public FeatureLayout Layout => Embedder.Layout;

    /// <summary>The projection of embeddings, or null for none.</summary>
    public RandomProjection? Projection => Embedder.Projection;

    /// <summary>The embedder that turns a frame's feature maps into the bank's embedding space.</summary>
    public PatchEmbedder Embedder { get; }

    /// <summary>The memory bank of good patches.</summary>
    public MemoryBank Bank { get; }

    /// <summary>The decision threshold on raw scores.</summary>
    public AnomalyThreshold Threshold { get; }

    /// <summary>Free-form facts kept in the model file.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
