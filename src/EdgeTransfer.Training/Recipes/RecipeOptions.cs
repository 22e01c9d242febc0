namespace EdgeTransfer.Training.Recipes;

/// <summary>How <see cref="RecipeSelection"/> trains and chooses.</summary>
public sealed class RecipeOptions
{
    /// <summary>The candidates, in order of preference when two score the same. Default <see cref="DefaultGrid"/>.</summary>
    public IReadOnlyList<RecipeCandidate> Grid { get; init; } = DefaultGrid;

    /// <summary>The recipe used when no class has two parts to validate on (one shot): the prototypes. </summary>
    public RecipeCandidate OneShot { get; init; } = new(RecipeKind.Prototype, 10);

    /// <summary>
    /// Below this many parts in the thinnest class, cross-validation folds replace one held-out split. Default 25: at 20
    /// parts per class one split validates on 4 per class, too few to tell candidates a point apart (docs/heads.md).
    /// </summary>
    public int CrossValidationBelow { get; init; } = 25;

    /// <summary>The most folds of the cross-validation. Default 5.</summary>
    public int MaxFolds { get; init; } = 5;

    /// <summary>The share of each class held out when one split is used. Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>The optimizer steps a trained recipe aims at (the epochs follow from the batches per epoch, 5 to 100 of them). Default 1000.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Samples per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The base learning rate (cosine decay). Default 0.003.</summary>
    public float LearningRate { get; init; } = 0.003f;

    /// <summary>The seed of the folds and the shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>Threads of the head graphs' sessions.</summary>
    public RuntimeOptions Runtime { get; init; } = new();

    /// <summary>
    /// The device's grid: the prototypes at two temperatures; the cosine and standardised linear heads with weak and
    /// strong weight decay, with and without label smoothing; L2 logistic regression at penalties λ 0.01 to 1 (a
    /// finer grid than the baseline's ×7.7 steps over the range that baseline picks from 20 parts per class up).
    /// </summary>
    public static IReadOnlyList<RecipeCandidate> DefaultGrid { get; } =
    [
        new(RecipeKind.Prototype, 10),
        new(RecipeKind.Prototype, 30),
        .. new[] { RecipeKind.Cosine, RecipeKind.Standardised }.SelectMany(kind =>
            new[] { 0.01f, 0.5f }.SelectMany(wd => new[] { 0f, 0.1f }.Select(ls => new RecipeCandidate(kind, 10, wd, ls)))),
        .. LogisticPenalties.Select(l2 => new RecipeCandidate(RecipeKind.Logistic, 0, Penalty: l2)),
    ];

    private static float[] LogisticPenalties => [1f, 0.3f, 0.1f, 0.03f, 0.01f];
}
