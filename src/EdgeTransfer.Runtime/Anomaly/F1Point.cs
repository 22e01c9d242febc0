namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>A threshold and the F1 score, precision and recall it gives for anomalies (score ≥ threshold flagged).</summary>
/// <param name="Threshold">The score at or above which a sample is called an anomaly.</param>
/// <param name="F1">The harmonic mean of precision and recall.</param>
/// <param name="Precision">Anomalies among the flagged samples.</param>
/// <param name="Recall">Flagged samples among the anomalies.</param>
public readonly record struct F1Point(float Threshold, double F1, double Precision, double Recall);
