namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The per-frame work in managed code: <see cref="PatchEmbedder"/> on the caller's thread, then a nearest-neighbour search.</summary>
/// <remarks>One instance per thread: a call uses a work buffer of the instance.</remarks>
public sealed class ManagedPatchDistances : IPatchDistances
{
    private readonly PatchEmbedder _embedder;
    private readonly float[] _embeddings;

    /// <summary>Creates the work for <paramref name="model"/>.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="search">The search over the model's bank; the vectorised one on the caller's thread by default.</param>
    public ManagedPatchDistances(AnomalyModel model, INearestNeighbourSearch? search = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (search is not null && !ReferenceEquals(search.Bank, model.Bank))
        {
            throw new ArgumentException("The search must be over the model's own memory bank.", nameof(search));
        }

        _embedder = model.Embedder;
        Search = search ?? new VectorisedNearestNeighbour(model.Bank);
        _embeddings = new float[_embedder.Patches * _embedder.Dimensions];
    }

    /// <summary>The nearest-neighbour search in use.</summary>
    public INearestNeighbourSearch Search { get; }

    /// <inheritdoc />
    public void Compute(AnomalyFeatures features, Span<float> distances)
    {
        _embedder.Embed(features, _embeddings);
        Search.NearestDistances(_embeddings, _embedder.Patches, distances);
    }
}
