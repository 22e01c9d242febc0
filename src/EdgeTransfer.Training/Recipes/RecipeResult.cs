using System.Globalization;

namespace EdgeTransfer.Training.Recipes;

/// <summary>How one candidate did on the validation folds.</summary>
/// <param name="Candidate">The recipe.</param>
/// <param name="Accuracy">Mean validation accuracy over the folds.</param>
/// <param name="Loss">Mean validation cross-entropy over the folds.</param>
public sealed record CandidateScore(RecipeCandidate Candidate, double Accuracy, double Loss);

/// <summary>What <see cref="RecipeSelection.Select"/> chose, on what evidence, and the head it fitted on every sample.</summary>
/// <param name="Chosen">The recipe of <paramref name="Head"/>.</param>
/// <param name="Head">The chosen recipe fitted on every given sample, on raw features.</param>
/// <param name="Validation">How each candidate did; empty when there was nothing to validate on (one shot).</param>
/// <param name="Folds">The validation folds: 0 (none), 1 (one held-out split) or the cross-validation's folds.</param>
/// <param name="ValidationSamples">The samples validated on in all folds together.</param>
public sealed record RecipeResult(RecipeCandidate Chosen, LinearHead Head, IReadOnlyList<CandidateScore> Validation, int Folds, int ValidationSamples)
{
    /// <summary>The chosen candidate's score, or null when nothing was validated.</summary>
    public CandidateScore? ChosenScore => Validation.FirstOrDefault(s => s.Candidate == Chosen);

    /// <summary>How the choice was made, as people read it.</summary>
    public string Method => Folds switch
    {
        0 => "no validation (one part in a class): prototypes",
        1 => string.Create(CultureInfo.InvariantCulture, $"one held-out split ({ValidationSamples} samples)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold cross-validation ({ValidationSamples} samples)"),
    };

    /// <summary>The facts a head's checkpoint records about its recipe (keys under <paramref name="prefix"/>).</summary>
    /// <param name="prefix">The key prefix, e.g. <c>training.recipe.</c>.</param>
    public IReadOnlyDictionary<string, string> Metadata(string prefix)
    {
        var invariant = CultureInfo.InvariantCulture;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [prefix + "name"] = Chosen.Name,
            [prefix + "selection"] = Method,
            [prefix + "folds"] = Folds.ToString(invariant),
            [prefix + "candidates"] = Validation.Count.ToString(invariant),
        };
        if (ChosenScore is { } score)
        {
            metadata[prefix + "validationAccuracy"] = score.Accuracy.ToString("0.####", invariant);
            metadata[prefix + "validationLoss"] = score.Loss.ToString("0.####", invariant);
        }

        return metadata;
    }
}
