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
}

/// <summary>One point of the recipe grid.</summary>
/// <param name="Kind">The family.</param>
/// <param name="Temperature">The factor of the prototypes (the starting logits' scale).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay (trained kinds).</param>
/// <param name="LabelSmoothing">ε of label smoothing (trained kinds).</param>
public sealed record RecipeCandidate(RecipeKind Kind, float Temperature, float WeightDecay = 0, float LabelSmoothing = 0)
{
    /// <summary>A short stable name: <c>prototype(t=10)</c>, <c>cosine(wd=0.01,ls=0.1)</c>.</summary>
    public string Name => Kind == RecipeKind.Prototype
        ? string.Create(CultureInfo.InvariantCulture, $"prototype(t={Temperature:0.###})")
        : string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}(wd={WeightDecay:0.####},ls={LabelSmoothing:0.##})");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
