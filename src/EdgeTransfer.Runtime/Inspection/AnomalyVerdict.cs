namespace EdgeTransfer.Runtime.Inspection;

/// <summary>What the anomaly model said about one frame (modes <c>anomaly</c> and <c>both</c>).</summary>
/// <param name="Score">The score normalised so that 0.5 is the decision point; above it the part is anomalous.</param>
/// <param name="RawScore">The raw score (largest patch distance to the memory bank).</param>
/// <param name="Threshold">The raw threshold the score is judged against.</param>
/// <param name="IsAnomalous">Whether the part is rejected as anomalous.</param>
/// <param name="ModelVersion">The anomaly model version that scored it (<c>a0002</c>).</param>
/// <param name="Map">The patch map as bytes (28×28 for ResNet18, 128 = threshold), only when <c>inspection.anomaly.includeMap</c> is on.</param>
/// <param name="MapHeight">The rows of <paramref name="Map"/>.</param>
/// <param name="MapWidth">The columns of <paramref name="Map"/>.</param>
/// <param name="ScoringTime">The time spent scoring (embedding and nearest-neighbour search).</param>
public sealed record AnomalyVerdict(
    float Score,
    float RawScore,
    float Threshold,
    bool IsAnomalous,
    string ModelVersion,
    byte[]? Map,
    int MapHeight,
    int MapWidth,
    TimeSpan ScoringTime);
