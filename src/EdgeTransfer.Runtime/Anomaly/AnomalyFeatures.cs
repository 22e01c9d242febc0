namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The mid-level feature maps of one image that the anomaly model reads: a finer map (for ResNet18 at
/// 224 px, stage 2: 128×28×28) and a coarser, deeper one (stage 3: 256×14×14). The patch grid is the
/// finer map's grid.
/// </summary>
/// <param name="Stage2">The finer map; its grid is the patch grid.</param>
/// <param name="Stage3">The coarser map; it is upsampled to the finer grid.</param>
public readonly record struct AnomalyFeatures(FeatureMap Stage2, FeatureMap Stage3)
{
    /// <summary>The shapes of both maps.</summary>
    public FeatureLayout Layout => new(Stage2.Shape, Stage3.Shape);
}
