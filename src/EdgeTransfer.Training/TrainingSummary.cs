namespace EdgeTransfer.Training;

/// <summary>What a finished training run did.</summary>
/// <param name="EpochLosses">The mean training loss of every epoch run, in order.</param>
/// <param name="Steps">The optimizer steps executed in this run (including those of epochs after the best one).</param>
/// <param name="TotalSteps">The optimizer step count of the head the run ended with (the best epoch's, when an epoch callback marked one).</param>
public sealed record TrainingSummary(IReadOnlyList<double> EpochLosses, long Steps, long TotalSteps)
{
    /// <summary>The mean training loss of the last epoch.</summary>
    public double FinalLoss => EpochLosses.Count == 0 ? double.NaN : EpochLosses[^1];

    /// <summary>The epochs run (fewer than configured when the run stopped early).</summary>
    public int EpochsRun => EpochLosses.Count;

    /// <summary>The epoch whose parameters the head ended with: the last one marked best, else the last epoch run.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Whether an epoch callback ended the run before the configured epochs.</summary>
    public bool StoppedEarly { get; init; }
}
