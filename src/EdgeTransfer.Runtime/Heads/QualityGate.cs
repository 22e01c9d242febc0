using System.Globalization;

namespace EdgeTransfer.Runtime.Heads;

/// <summary>
/// Decides whether a newly trained head replaces the head in service, by comparing both on the same validation
/// samples. The head in service stays unless the candidate is measurably fine: finite metrics, enough samples
/// overall and per class, and an accuracy of at least current − margin.
/// </summary>
public sealed class QualityGate
{
    // Accuracies are ratios of counts; this absorbs the rounding of current − margin, nothing more.
    private const double Tolerance = 1e-9;

    private readonly QualityGateOptions _options;

    /// <summary>Creates a gate.</summary>
    /// <param name="options">Margin and minimum sample counts; null for the defaults.</param>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public QualityGate(QualityGateOptions? options = null)
    {
        _options = options ?? new QualityGateOptions();
        _options.Validate();
    }

    /// <summary>Decides between <paramref name="candidate"/> and the head in service.</summary>
    /// <param name="candidate">The trained head's metrics on the validation samples.</param>
    /// <param name="current">The head in service's metrics on the same samples, or null when no head is in service.</param>
    /// <param name="currentName">The version in service, for the reason text (<c>v0003</c>); null when none.</param>
    public QualityDecision Decide(HeadMetrics candidate, HeadMetrics? current, string? currentName)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var kept = current is null ? "nothing promoted" : $"kept {currentName ?? "the current head"}";
        var c = candidate.ValidationAccuracy;
        QualityDecision Keep(string why) => new(false, $"{why}: {kept}", c, current?.ValidationAccuracy);

        if (!candidate.IsFinite)
        {
            var bad = double.IsFinite(c) ? candidate.PerClass.First(k => !double.IsFinite(k.Accuracy)) : null;
            return Keep(bad is null
                ? $"candidate accuracy is {F(c)}, not a number that can be compared (the training diverged)"
                : $"candidate accuracy of class '{bad.Name}' is {F(bad.Accuracy)}, not a number that can be compared");
        }

        if (candidate.ValidationSamples < _options.MinValidationSamples)
        {
            return Keep($"only {candidate.ValidationSamples} validation samples, fewer than the {_options.MinValidationSamples} a decision needs (label more parts)");
        }

        var thin = candidate.PerClass.FirstOrDefault(k => k.Samples < _options.MinValidationSamplesPerClass);
        if (thin is not null)
        {
            return Keep($"class '{thin.Name}' has {thin.Samples} validation samples, fewer than the {_options.MinValidationSamplesPerClass} each class needs (label more '{thin.Name}' parts)");
        }

        // A head that does no better than guessing is never put in service, even when the head it would
        // replace is as bad (a fresh device, or samples labelled without regard to the part).
        var classes = Math.Max(1, candidate.PerClass.Count);
        var chance = 1.0 / classes;
        if (_options.RequireBetterThanChance && classes > 1 && c <= chance + Tolerance)
        {
            var currentText = current is { } cur && double.IsFinite(cur.ValidationAccuracy) ? $", current {F(cur.ValidationAccuracy)}" : string.Empty;
            return Keep($"candidate {F(c)} is no better than guessing among {classes} classes ({F(chance)}{currentText}); check the labels");
        }

        if (current is null)
        {
            return new QualityDecision(true, $"candidate {F(c)} on {candidate.ValidationSamples} validation samples, no head in service: promoted", c, null);
        }

        if (!current.IsFinite)
        {
            return Keep($"the current head's accuracy is {F(current.ValidationAccuracy)}, so the candidate cannot be compared with it (evaluate both on the same validation samples)");
        }

        if (current.ValidationSamples != candidate.ValidationSamples)
        {
            return Keep($"candidate was measured on {candidate.ValidationSamples} validation samples, the current head on {current.ValidationSamples}; they must be the same samples");
        }

        var threshold = current.ValidationAccuracy - _options.Margin;
        var margin = _options.Margin >= 0 ? $"− margin {F(_options.Margin)}" : $"+ margin {F(-_options.Margin)}";
        if (c + Tolerance >= threshold)
        {
            return new QualityDecision(true, $"candidate {F(c)} ≥ current {F(current.ValidationAccuracy)} {margin}: promoted (replaces {currentName ?? "the current head"})", c, current.ValidationAccuracy);
        }

        return Keep($"candidate {F(c)} < current {F(current.ValidationAccuracy)} {margin}");
    }

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.00##", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
