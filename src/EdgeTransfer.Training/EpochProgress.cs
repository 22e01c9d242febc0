namespace EdgeTransfer.Training;

/// <summary>Reported after every epoch of a training run.</summary>
/// <param name="Epoch">The 1-based number of the epoch just finished.</param>
/// <param name="Epochs">The number of epochs in the run.</param>
/// <param name="MeanLoss">The training loss of the epoch, averaged over its samples.</param>
public readonly record struct EpochProgress(int Epoch, int Epochs, double MeanLoss)
{
    /// <summary>The learning rate of the epoch (after the schedule).</summary>
    public double LearningRate { get; init; }

    /// <summary>The optimizer steps taken in this run so far.</summary>
    public long Steps { get; init; }
}
