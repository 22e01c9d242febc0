using System.Globalization;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The decision threshold on raw anomaly scores (a part is rejected when its score is above it) and the
/// normalised score built on it.
/// </summary>
/// <remarks>
/// Normalised score: s ≤ t gives 0.5 · s / t, s &gt; t gives 1 − 0.5 · t / s. It is 0 for a perfect match,
/// exactly 0.5 at the threshold, approaches 1 as the raw score grows, is continuous and monotone, and
/// needs no other statistic than the threshold, so it means the same on every model: above 0.5 is a reject.
/// </remarks>
/// <param name="Value">The raw score above which a part is rejected (positive).</param>
/// <param name="TargetFalseRejectRate">The false-reject rate on good parts the threshold was chosen for.</param>
/// <param name="HeldOutSamples">The number of held-out good samples it was computed from.</param>
public sealed record AnomalyThreshold(float Value, double TargetFalseRejectRate, int HeldOutSamples)
{
    /// <summary>
    /// The typical distance of a good patch to the memory bank at each position of the patch grid (row after
    /// row), measured on the same held-out good parts as the threshold; a patch's distance is divided by it
    /// before the image score is taken, so raw scores are in units of "times the usual distance here".
    /// Null: distances are used as they are (models of format 1, or fitted with too few held-out parts).
    /// </summary>
    /// <remarks>
    /// Positions differ in how much good parts vary: the border and corner patches see the CNN's zero padding,
    /// vignetting and uneven light, and the bank holds one patch per image at each corner but hundreds of interior
    /// ones. Without this scale the image score of a good part is most often its corner patch, which hides real
    /// defects of the interior (see docs/anomaly.md, "Position scale").
    /// </remarks>
    public float[]? PositionScale { get; init; }

    /// <summary>The raw score mapped so that the threshold is 0.5 (see the remarks).</summary>
    /// <param name="score">A raw anomaly score (0 or more).</param>
    public float Normalise(float score)
    {
        if (float.IsNaN(score))
        {
            return float.NaN;
        }

        var s = MathF.Max(0f, score);
        return s <= Value ? 0.5f * s / Value : 1f - (0.5f * Value / s);
    }

    /// <summary>Whether a part with this raw score is rejected (score above the threshold).</summary>
    /// <param name="score">A raw anomaly score.</param>
    public bool IsAnomalous(float score) => score > Value;

    /// <summary>Whether both are the same decision rule: the same values, and the same position scale value by value.</summary>
    /// <param name="other">The other threshold.</param>
    public bool Equals(AnomalyThreshold? other) =>
        other is not null
        && Value.Equals(other.Value)
        && TargetFalseRejectRate.Equals(other.TargetFalseRejectRate)
        && HeldOutSamples == other.HeldOutSamples
        && (PositionScale ?? []).AsSpan().SequenceEqual(other.PositionScale ?? []) && (PositionScale is null) == (other.PositionScale is null);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, TargetFalseRejectRate, HeldOutSamples, PositionScale?.Length ?? -1);

    /// <summary>The threshold as people read it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:G6} (target false rejects {TargetFalseRejectRate:P1}, {HeldOutSamples} held-out good samples)");
}
