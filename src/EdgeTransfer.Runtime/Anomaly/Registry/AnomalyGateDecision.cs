namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>What the anomaly quality gate decided and the figures it compared.</summary>
/// <param name="Accepted">Whether the candidate may be promoted.</param>
/// <param name="Reason">Why, as a sentence with the figures.</param>
/// <param name="CandidateFalseRejectRate">The candidate's false-reject rate on the held-out good samples.</param>
/// <param name="InServiceFalseRejectRate">The model in service's rate on the same samples; null without one (or of other shapes).</param>
/// <param name="CandidateAuroc">The candidate's image AUROC on held-out good samples against the defects; null without defects.</param>
/// <param name="InServiceAuroc">The model in service's AUROC on the same samples; null without defects or without a comparable model.</param>
public sealed record AnomalyGateDecision(
    bool Accepted,
    string Reason,
    double CandidateFalseRejectRate,
    double? InServiceFalseRejectRate,
    double? CandidateAuroc,
    double? InServiceAuroc);
