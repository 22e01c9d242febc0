namespace EdgeTransfer.Training;

/// <summary>
/// The learning rate of every epoch, as a factor of the base rate: an optional linear warm-up, then constant,
/// cosine or step decay. The rate changes between epochs, never inside one, so a step stays allocation-free.
/// </summary>
/// <remarks>
/// <para>With W warm-up epochs, epoch e ≤ W runs at base·e/(W+1): the rate climbs towards the base and reaches
/// it in epoch W+1. The early steps of Adam (moments still near 0) and of a fresh head (large gradients) are the
/// ones that overshoot, which is what the warm-up damps.</para>
/// <para>After the warm-up, with i = e − W − 1 (0-based) of n = E − W decay epochs:
/// cosine gives min + (base − min)·½(1 + cos(π·i/n)) — PyTorch's <c>CosineAnnealingLR</c> with T_max = n, so the
/// last epoch still learns a little; step gives base·γ^⌊i/S⌋ (PyTorch's <c>StepLR</c>), never below min.</para>
/// </remarks>
public sealed record LearningRateSchedule
{
    /// <summary>The base rate in every epoch.</summary>
    public static LearningRateSchedule Constant { get; } = new();

    /// <summary>The kind of decay after the warm-up.</summary>
    public LearningRateScheduleKind Kind { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>Epochs of linear warm-up before the decay starts, 0 or more; default 0.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>The lowest rate, as a fraction of the base rate, 0 to 1; default 0 (cosine ends near 0).</summary>
    public double MinimumFactor { get; init; }

    /// <summary>For <see cref="LearningRateScheduleKind.Step"/>: epochs between two decays, 1 or more; default 10.</summary>
    public int StepEpochs { get; init; } = 10;

    /// <summary>For <see cref="LearningRateScheduleKind.Step"/>: γ, what the rate is multiplied by at each decay, above 0 and at most 1; default 0.1.</summary>
    public double StepFactor { get; init; } = 0.1;

    /// <summary>Cosine decay after <paramref name="warmupEpochs"/> epochs of linear warm-up.</summary>
    /// <param name="warmupEpochs">Epochs of warm-up, 0 or more.</param>
    /// <param name="minimumFactor">The lowest rate as a fraction of the base rate.</param>
    public static LearningRateSchedule Cosine(int warmupEpochs = 0, double minimumFactor = 0) =>
        new() { Kind = LearningRateScheduleKind.Cosine, WarmupEpochs = warmupEpochs, MinimumFactor = minimumFactor };

    /// <summary>Step decay: the rate is multiplied by <paramref name="factor"/> every <paramref name="everyEpochs"/> epochs.</summary>
    /// <param name="everyEpochs">Epochs between two decays.</param>
    /// <param name="factor">γ, above 0 and at most 1.</param>
    /// <param name="warmupEpochs">Epochs of warm-up, 0 or more.</param>
    /// <param name="minimumFactor">The lowest rate as a fraction of the base rate.</param>
    public static LearningRateSchedule Step(int everyEpochs, double factor, int warmupEpochs = 0, double minimumFactor = 0) =>
        new() { Kind = LearningRateScheduleKind.Step, StepEpochs = everyEpochs, StepFactor = factor, WarmupEpochs = warmupEpochs, MinimumFactor = minimumFactor };

    /// <summary>The rate of epoch <paramref name="epoch"/> of <paramref name="epochs"/>.</summary>
    /// <param name="baseRate">The base learning rate.</param>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="epochs">E, the epochs of the run (the cosine spans the epochs after the warm-up).</param>
    public double RateAt(double baseRate, int epoch, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        return baseRate * FactorAt(epoch, epochs);
    }

    /// <summary>The factor applied to the base rate in epoch <paramref name="epoch"/> of <paramref name="epochs"/>.</summary>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="epochs">E, the epochs of the run.</param>
    public double FactorAt(int epoch, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (epoch <= WarmupEpochs)
        {
            return (double)epoch / (WarmupEpochs + 1);
        }

        var i = epoch - WarmupEpochs - 1;
        var n = Math.Max(1, epochs - WarmupEpochs);
        return Kind switch
        {
            LearningRateScheduleKind.Cosine => MinimumFactor + ((1 - MinimumFactor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(i, n) / n))),
            LearningRateScheduleKind.Step => Math.Max(MinimumFactor, Math.Pow(StepFactor, i / StepEpochs)),
            _ => 1,
        };
    }
}
