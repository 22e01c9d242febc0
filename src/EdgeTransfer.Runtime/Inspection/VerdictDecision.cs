namespace EdgeTransfer.Runtime.Inspection;

/// <summary>The decision of a <see cref="VerdictPolicy"/> on one probability vector.</summary>
/// <param name="Outcome">Good, defect or uncertain.</param>
/// <param name="ClassIndex">The defect class for <see cref="VerdictOutcome.Defect"/>; the most likely passing class for <see cref="VerdictOutcome.Good"/>; the most likely class for <see cref="VerdictOutcome.Uncertain"/>.</param>
/// <param name="Confidence">The probability of <paramref name="ClassIndex"/>.</param>
/// <param name="Rejects">Whether the part is to be rejected (defect, or uncertain with <see cref="UncertainAction.Reject"/>).</param>
public readonly record struct VerdictDecision(VerdictOutcome Outcome, int ClassIndex, float Confidence, bool Rejects);
