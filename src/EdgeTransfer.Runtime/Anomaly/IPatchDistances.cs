namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>A frame's per-frame anomaly work: from its feature maps to each patch's distance to the nearest memory-bank row.</summary>
/// <remarks>Implementations give the same distances (within float rounding), so a benchmark can compare them on the same model.</remarks>
public interface IPatchDistances
{
    /// <summary>Writes the distance of each patch (row after row of the finer grid) to its nearest bank row.</summary>
    /// <param name="features">The frame's maps, of the model's layout.</param>
    /// <param name="distances">Receives one distance per patch.</param>
    /// <exception cref="FeatureLayoutException">The maps do not have the model's shapes.</exception>
    void Compute(AnomalyFeatures features, Span<float> distances);
}
