namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>One stored sample for a fit: its feature maps and whether it is a labelled defect.</summary>
/// <param name="Features">The sample's feature maps.</param>
/// <param name="IsDefect">True for a labelled defect (used only to measure the model, never in the bank).</param>
public readonly record struct AnomalySample(AnomalyFeatures Features, bool IsDefect);
