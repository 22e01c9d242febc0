namespace EdgeTransfer.Runtime.Heads;

/// <summary>What the <see cref="QualityGate"/> decided, and why, in words a technician can read.</summary>
/// <param name="Promote">Whether the candidate may replace the head in service.</param>
/// <param name="Reason">Why: <c>candidate 0.91 &lt; current 0.94 − margin 0.00: kept v0003</c>.</param>
/// <param name="CandidateAccuracy">The candidate's validation accuracy.</param>
/// <param name="CurrentAccuracy">The accuracy of the head in service on the same samples, or null when there is none.</param>
public sealed record QualityDecision(bool Promote, string Reason, double CandidateAccuracy, double? CurrentAccuracy)
{
    /// <inheritdoc />
    public override string ToString() => Reason;
}
