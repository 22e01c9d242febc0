namespace EdgeTransfer.LineConsole.Model;

/// <summary>The confusion matrix of the last validation: rows are the true class, columns the predicted one.</summary>
/// <param name="Classes">The class names, in matrix order.</param>
/// <param name="Counts">Counts[true][predicted]; square, as wide as <paramref name="Classes"/>.</param>
public sealed record ConfusionView(IReadOnlyList<string> Classes, IReadOnlyList<IReadOnlyList<long>> Counts);
