namespace EdgeTransfer.Training;

/// <summary>What an epoch callback of <see cref="HeadTrainer"/> tells the trainer after an epoch.</summary>
/// <param name="IsBest">Whether the parameters after this epoch are the best so far: the trainer keeps a copy and, at the end of the run, returns to the last epoch marked best.</param>
/// <param name="Stop">Whether to end the run now (early stopping).</param>
public readonly record struct EpochDecision(bool IsBest, bool Stop)
{
    /// <summary>Go on; this epoch is not the best.</summary>
    public static EpochDecision Continue => default;

    /// <summary>Go on; keep these parameters as the best so far.</summary>
    public static EpochDecision Best => new(true, false);

    /// <summary>End the run; the parameters of the last epoch marked best (or of this one, if none was) are kept.</summary>
    public static EpochDecision StopNow => new(false, true);
}
