namespace EdgeTransfer.Training;

/// <summary>What a finished training run did.</summary>
/// <param name="EpochLosses">The mean training loss of every epoch, in order.</param>
/// <param name="Steps">The optimizer steps taken in this run.</param>
/// <param name="TotalSteps">The optimizer steps taken since the head was initialised.</param>
public sealed record TrainingSummary(IReadOnlyList<double> EpochLosses, long Steps, long TotalSteps)
{
    /// <summary>The mean training loss of the last epoch.</summary>
    public double FinalLoss => EpochLosses.Count == 0 ? double.NaN : EpochLosses[^1];
}
