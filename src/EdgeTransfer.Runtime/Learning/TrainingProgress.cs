namespace EdgeTransfer.Runtime.Learning;

/// <summary>Reported by <see cref="OnDeviceTrainer"/> after every epoch (on the training thread).</summary>
/// <param name="Epoch">The 1-based epoch just finished.</param>
/// <param name="Epochs">The most epochs the run may take (early stopping may end it sooner).</param>
/// <param name="TrainLoss">The mean training loss of the epoch (class-weighted, as the training graph computes it).</param>
/// <param name="ValidationLoss">The mean cross-entropy on the validation samples (unweighted).</param>
/// <param name="ValidationAccuracy">The share of validation samples classified right, 0 to 1.</param>
/// <param name="LearningRate">The learning rate of the epoch.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="EstimatedRemaining">Time the remaining epochs would take at the pace so far (an upper bound: early stopping may end sooner).</param>
/// <param name="IsBest">Whether this epoch is the best so far (the one the candidate would be taken from).</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double ValidationLoss,
    double ValidationAccuracy,
    double LearningRate,
    TimeSpan Elapsed,
    TimeSpan EstimatedRemaining,
    bool IsBest);
