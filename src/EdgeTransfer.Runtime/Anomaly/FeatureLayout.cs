namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The shapes of the two feature maps an anomaly model was fitted on; frames must match them.</summary>
/// <param name="Stage2">The finer map's shape (its grid is the patch grid).</param>
/// <param name="Stage3">The coarser map's shape.</param>
public readonly record struct FeatureLayout(FeatureMapShape Stage2, FeatureMapShape Stage3)
{
    /// <summary>The length of an embedding before projection: the channels of both maps.</summary>
    public int EmbeddingDimensions => Stage2.Channels + Stage3.Channels;

    /// <summary>The number of patches per image: the positions of the finer map.</summary>
    public int Patches => Stage2.Positions;

    /// <summary>Both shapes as people write them.</summary>
    public override string ToString() => $"stage 2 {Stage2}, stage 3 {Stage3}";
}
