namespace EdgeTransfer.Runtime.Heads;

/// <summary>How a head did on a validation set: what the quality gate compares and what a head version records.</summary>
/// <param name="ValidationAccuracy">The fraction of validation samples classified right, 0 to 1 (NaN when it could not be measured).</param>
/// <param name="ValidationSamples">The number of validation samples.</param>
/// <param name="TrainingSamples">The number of samples the head was trained on (0 for a head not trained here).</param>
/// <param name="PerClass">Accuracy and sample count per class (may be empty).</param>
public sealed record HeadMetrics(double ValidationAccuracy, int ValidationSamples, int TrainingSamples, IReadOnlyList<ClassMetrics> PerClass)
{
    /// <summary>Whether every accuracy is a finite number (NaN or infinity never passes the quality gate).</summary>
    public bool IsFinite => double.IsFinite(ValidationAccuracy) && PerClass.All(c => double.IsFinite(c.Accuracy));
}
