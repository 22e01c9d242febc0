namespace EdgeTransfer.LineConsole.Model;

/// <summary>The current (or last) training run: its epochs so far and, once it ended, the result.</summary>
public sealed record TrainingView
{
    /// <summary>The run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The last epoch reported, 1-based (0 before the first).</summary>
    public int Epoch { get; init; }

    /// <summary>The epochs planned.</summary>
    public int Epochs { get; init; }

    /// <summary>Training loss per epoch, in epoch order.</summary>
    public IReadOnlyList<double> Losses { get; init; } = [];

    /// <summary>Validation accuracy per epoch (0 to 1), in epoch order; epochs without one are left out.</summary>
    public IReadOnlyList<double> Accuracies { get; init; } = [];

    /// <summary>How the run ended, or null while it runs.</summary>
    public TrainingOutcomeView? Result { get; init; }
}
