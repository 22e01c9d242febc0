namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>How a head did on the labelled parts of one class.</summary>
/// <param name="Name">The class name.</param>
/// <param name="IsDefect">Whether the inspection policy rejects parts of this class.</param>
/// <param name="Support">How many evaluated parts truly belong to the class.</param>
/// <param name="Predicted">How many evaluated parts the head put in the class (its most probable class).</param>
/// <param name="Precision">Of the parts put in the class, the fraction that belong to it, 0 to 1; null when none was put in it.</param>
/// <param name="Recall">Of the parts of the class, the fraction put in it, 0 to 1; null when the class has no part (<paramref name="Support"/> 0).</param>
public sealed record ClassEvaluation(string Name, bool IsDefect, int Support, int Predicted, double? Precision, double? Recall);
