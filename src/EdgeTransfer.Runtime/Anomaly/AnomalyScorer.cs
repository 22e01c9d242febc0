namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>Scores frames with an <see cref="AnomalyModel"/>: embeddings, nearest-bank distances, image score.</summary>
/// <remarks>One scorer per thread: a call uses a work buffer of the scorer.</remarks>
public sealed class AnomalyScorer
{
    private readonly float[] _embeddings;

    /// <summary>Creates a scorer for <paramref name="model"/>.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="search">The nearest-neighbour search over the model's bank; the vectorised one by default.</param>
    public AnomalyScorer(AnomalyModel model, INearestNeighbourSearch? search = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (search is not null && !ReferenceEquals(search.Bank, model.Bank))
        {
            throw new ArgumentException("The search must be over the model's own memory bank.", nameof(search));
        }

        Model = model;
        Search = search ?? new VectorisedNearestNeighbour(model.Bank);
        _embeddings = new float[model.Embedder.Patches * model.Embedder.Dimensions];
    }

    /// <summary>The model.</summary>
    public AnomalyModel Model { get; }

    /// <summary>The nearest-neighbour search in use.</summary>
    public INearestNeighbourSearch Search { get; }

    /// <summary>Scores one frame.</summary>
    /// <param name="features">The frame's feature maps.</param>
    /// <exception cref="FeatureLayoutException">The maps do not have the shapes the model was fitted on.</exception>
    public AnomalyScore Score(AnomalyFeatures features)
    {
        var map = new float[Model.Embedder.Patches];
        var score = ScorePatches(Model.Embedder, Search, features, _embeddings, map);
        return new AnomalyScore(score, Model.Threshold, map, Model.Layout.Stage2.Height, Model.Layout.Stage2.Width);
    }

    /// <summary>Embeds one frame, writes its patch distances into <paramref name="map"/> and returns the image score.</summary>
    internal static float ScorePatches(PatchEmbedder embedder, INearestNeighbourSearch search, AnomalyFeatures features, Span<float> embeddings, Span<float> map)
    {
        embedder.Embed(features, embeddings);
        search.NearestDistances(embeddings, embedder.Patches, map);

        // The image is as anomalous as its most anomalous patch: a small scratch is one or two patches.
        var score = 0f;
        foreach (var d in map)
        {
            score = MathF.Max(score, d);
        }

        return score;
    }
}
