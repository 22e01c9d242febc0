namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>Scores frames with an <see cref="AnomalyModel"/>: patch distances to the bank, scaled by position, image score.</summary>
/// <remarks>One scorer per thread: a call uses the work buffers of its <see cref="Distances"/>.</remarks>
public sealed class AnomalyScorer
{
    /// <summary>Creates a scorer that does the per-frame work in managed code.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="search">The nearest-neighbour search over the model's bank; the vectorised one by default.</param>
    public AnomalyScorer(AnomalyModel model, INearestNeighbourSearch? search = null)
        : this(model, new ManagedPatchDistances(model, search))
    {
    }

    /// <summary>Creates a scorer that does the per-frame work with <paramref name="distances"/> (for example the bundle's ONNX scoring graph).</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="distances">The per-frame work for this model; the caller keeps ownership.</param>
    public AnomalyScorer(AnomalyModel model, IPatchDistances distances)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(distances);
        Model = model;
        Distances = distances;
    }

    /// <summary>The model.</summary>
    public AnomalyModel Model { get; }

    /// <summary>The per-frame work in use.</summary>
    public IPatchDistances Distances { get; }

    /// <summary>Scores one frame.</summary>
    /// <param name="features">The frame's feature maps.</param>
    /// <exception cref="FeatureLayoutException">The maps do not have the shapes the model was fitted on.</exception>
    public AnomalyScore Score(AnomalyFeatures features)
    {
        var map = new float[Model.Embedder.Patches];
        Distances.Compute(features, map);
        var score = ImageScore(map, Model.Threshold.PositionScale);
        return new AnomalyScore(score, Model.Threshold, map, Model.Layout.Stage2.Height, Model.Layout.Stage2.Width);
    }

    /// <summary>Divides the patch distances by the position scale (when given) in place and returns the image score, their maximum.</summary>
    /// <param name="map">The patch distances of one frame.</param>
    /// <param name="positionScale">The model's position scale (<see cref="AnomalyThreshold.PositionScale"/>), or empty.</param>
    public static float ImageScore(Span<float> map, ReadOnlySpan<float> positionScale)
    {
        if (!positionScale.IsEmpty)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(map, positionScale, map);
        }

        // The image is as anomalous as its most anomalous patch: a small scratch is one or two patches.
        var score = 0f;
        foreach (var d in map)
        {
            score = MathF.Max(score, d);
        }

        return score;
    }
}
