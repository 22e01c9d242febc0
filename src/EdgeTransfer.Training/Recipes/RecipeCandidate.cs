using System.Globalization;

namespace EdgeTransfer.Training.Recipes;

/// <summary>The families of head recipes; every one ends as a linear head on raw features.</summary>
public enum RecipeKind
{
    /// <summary>Nearest class mean on centred, L2-normalised features (SimpleShot), by cosine: no gradient training.</summary>
    Prototype,

    /// <summary>A linear head trained on centred, L2-normalised features (a cosine classifier whose temperature is the learned weight norm), started from the prototypes.</summary>
    Cosine,

    /// <summary>A linear head trained on standardised features (mean 0, variance 1 per dimension), started from the prototypes.</summary>
    Standardised,

    /// <summary>
    /// Multinomial logistic regression with an L2 penalty on standardised features, solved to convergence by L-BFGS
    /// (<see cref="LogisticRegression"/>): the estimator of scikit-learn's <c>LogisticRegressionCV</c>, the baseline of
    /// <c>bench heads</c>, with its penalty chosen by the recipe's own validation.
    /// </summary>
    Logistic,
}

/// <summary>One point of the recipe grid.</summary>
/// <param name="Kind">The family.</param>
/// <param name="Temperature">The factor of the prototypes (the starting logits' scale).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay (trained kinds).</param>
/// <param name="LabelSmoothing">ε of label smoothing (trained kinds).</param>
/// <param name="Penalty">
/// λ of the logistic kind: the objective is the mean cross-entropy + λ/2·‖W‖², i.e. scikit-learn's C = 1/(λ·N) for N
/// samples; per sample, so that the value chosen on a validation split means the same when refitted on every sample.
/// </param>
public sealed record RecipeCandidate(RecipeKind Kind, float Temperature, float WeightDecay = 0, float LabelSmoothing = 0, float Penalty = 0)
{
    /// <summary>A short stable name: <c>prototype(t=10)</c>, <c>cosine(wd=0.01,ls=0.1)</c>.</summary>
    public string Name => Kind switch
    {
        RecipeKind.Prototype => string.Create(CultureInfo.InvariantCulture, $"prototype(t={Temperature:0.###})"),
        RecipeKind.Logistic => string.Create(CultureInfo.InvariantCulture, $"logistic(l2={Penalty:0.####})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}(wd={WeightDecay:0.####},ls={LabelSmoothing:0.##})"),
    };

    /// <inheritdoc/>
    public override string ToString() => Name;
}
