namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>Where a fit stands, for a progress reply or a console line.</summary>
/// <param name="Stage">The step under way.</param>
/// <param name="Done">Items of the step done (samples; for the coreset, 0 at its start and 1 at its end).</param>
/// <param name="Total">Items of the step in all.</param>
public readonly record struct AnomalyFitProgress(AnomalyFitStage Stage, int Done, int Total);
