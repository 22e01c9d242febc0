namespace EdgeTransfer.LineConsole.Model;

/// <summary>How a training run ended.</summary>
/// <param name="Outcome"><c>promoted</c>, <c>rejected</c> or <c>failed</c>.</param>
/// <param name="HeadVersion">The head in service after the run.</param>
/// <param name="Accuracy">Validation accuracy of the new head, 0 to 1.</param>
/// <param name="Loss">Final training loss.</param>
/// <param name="DurationSeconds">Wall time of the run.</param>
/// <param name="Reason">Why the head was not promoted.</param>
public sealed record TrainingOutcomeView(string Outcome, long? HeadVersion, double? Accuracy, double? Loss, double DurationSeconds, string? Reason);
