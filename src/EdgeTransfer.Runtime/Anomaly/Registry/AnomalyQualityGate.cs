using System.Globalization;

namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>
/// Decides whether a freshly fitted anomaly model may replace the one in service, by scoring both on the
/// same held-out good samples (and labelled defects, when there are any).
/// </summary>
/// <remarks>
/// The candidate's threshold was set on these held-out samples, so its false-reject rate there is close to
/// its target by construction; the comparison still catches a candidate that is clearly worse than the model
/// in service on new good parts (a bank fitted on a different part or lighting), and AUROC, which does not
/// depend on a threshold, compares the two fairly when defects are given.
/// </remarks>
/// <param name="falseRejectTolerance">How much higher the candidate's false-reject rate may be, 0 to 1. Default 0.05.</param>
/// <param name="aurocTolerance">How much lower the candidate's AUROC may be, 0 to 1. Default 0.02.</param>
public sealed class AnomalyQualityGate(double falseRejectTolerance = 0.05, double aurocTolerance = 0.02)
{
    /// <summary>Compares <paramref name="candidate"/> with <paramref name="inService"/>.</summary>
    /// <param name="candidate">The fit to judge (its held-out samples and defects are scored by both models).</param>
    /// <param name="inService">The model in service, or null when there is none.</param>
    public AnomalyGateDecision Decide(AnomalyFitResult candidate, AnomalyModel? inService)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var candidateFrr = AnomalyMetrics.FalseRejectRate([.. candidate.HeldOutScores], candidate.Threshold.Value);
        if (inService is null)
        {
            return new AnomalyGateDecision(true, "no anomaly model is in service yet.", candidateFrr, null, candidate.ImageAuroc, null);
        }

        if (candidate.LeaveOneOut)
        {
            // Every good part is in the candidate's bank, and perhaps in the model in service's too (a refit of the same
            // folder): scoring them with the model in service would grade it on its own training parts.
            var own = string.Create(CultureInfo.InvariantCulture, $"false rejects {candidateFrr:P1} with each of the {candidate.TrainSamples} good parts scored against the others")
                + (candidate.ImageAuroc is { } ownAuroc ? string.Create(CultureInfo.InvariantCulture, $", image AUROC {ownAuroc:0.000}") : string.Empty);
            return new AnomalyGateDecision(true, $"fitted from {candidate.TrainSamples} good parts, too few to hold any out, so no good part is unseen by both models and they cannot be compared; the candidate replaces the model in service on its own figures: {own}.", candidateFrr, null, candidate.ImageAuroc, null);
        }

        if (inService.Layout != candidate.Model.Layout)
        {
            return new AnomalyGateDecision(true, $"the model in service reads feature maps of other shapes ({inService.Layout}), so it cannot be compared; the candidate replaces it.", candidateFrr, null, candidate.ImageAuroc, null);
        }

        var scorer = new AnomalyScorer(inService);
        var heldOut = candidate.HeldOut.Select(f => scorer.Score(f).Score).ToArray();
        var inServiceFrr = AnomalyMetrics.FalseRejectRate(heldOut, inService.Threshold.Value);
        var inServiceAuroc = candidate.Defects.Count > 0 ? SameWayAuroc(scorer, candidate) : (double?)null;

        var figures = string.Create(CultureInfo.InvariantCulture, $"false rejects on {heldOut.Length} held-out good parts {candidateFrr:P1} (in service {inServiceFrr:P1})")
            + (inServiceAuroc is { } a ? string.Create(CultureInfo.InvariantCulture, $", image AUROC {candidate.ImageAuroc:0.000} (in service {a:0.000})") : string.Empty);
        if (candidateFrr > inServiceFrr + falseRejectTolerance)
        {
            return new AnomalyGateDecision(false, $"the candidate rejects clearly more good parts: {figures}.", candidateFrr, inServiceFrr, candidate.ImageAuroc, inServiceAuroc);
        }

        if (inServiceAuroc is { } current && candidate.ImageAuroc is { } auroc && auroc < current - aurocTolerance)
        {
            return new AnomalyGateDecision(false, $"the candidate separates defects clearly worse: {figures}.", candidateFrr, inServiceFrr, auroc, current);
        }

        return new AnomalyGateDecision(true, $"at least as good as the model in service: {figures}.", candidateFrr, inServiceFrr, candidate.ImageAuroc, inServiceAuroc);
    }

    // The model in service's image AUROC measured as the candidate's was: when the candidate has a position scale, each
    // held-out part is divided by the scale of the other held-out parts and the defects by that of all of them, with the
    // patch distances of the model in service's own bank. Scored with its own scale instead, the good parts would meet a
    // scale that is not left-out and the defects one that is, and a model would win the gate for how it was measured.
    private static double SameWayAuroc(AnomalyScorer scorer, AnomalyFitResult candidate)
    {
        float[] scores;
        if (candidate.Threshold.PositionScale is null || candidate.HeldOut.Count < PositionScaleCalibrator.MinSamples)
        {
            scores = [.. candidate.HeldOut.Concat(candidate.Defects).Select(f => scorer.Score(f).Score)];
        }
        else
        {
            var good = candidate.HeldOut.Select(f => Distances(scorer, f)).ToList();
            var scale = PositionScaleCalibrator.Scale(good);
            scores = [.. PositionScaleCalibrator.LeaveOneOutScores(good), .. candidate.Defects.Select(f => AnomalyScorer.ImageScore(Distances(scorer, f), scale))];
        }

        return AnomalyMetrics.Auroc(scores, [.. scores.Select((_, i) => i >= candidate.HeldOut.Count)]);
    }

    private static float[] Distances(AnomalyScorer scorer, AnomalyFeatures features)
    {
        var map = new float[scorer.Model.Embedder.Patches];
        scorer.Distances.Compute(features, map);
        return map;
    }
}
