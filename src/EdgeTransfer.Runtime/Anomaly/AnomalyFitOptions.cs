namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>How an anomaly model is fitted. Checked by <see cref="AnomalyFitOptionsValidator"/>.</summary>
public sealed class AnomalyFitOptions
{
    /// <summary>The embedding length after the random projection; 0 keeps the full length (stage 2 + stage 3 channels). Default 128.</summary>
    public int ProjectionDimensions { get; set; } = 128;

    /// <summary>The share of training patches the coreset keeps, in (0, 1]; 1 keeps the full bank. Default 0.1 (PatchCore's).</summary>
    public double CoresetRatio { get; set; } = 0.1;

    /// <summary>
    /// The most rows the coreset keeps, whatever the ratio gives; 0 = no cap. Default 2048. A fixed budget keeps
    /// the fit's time (rows × picks) and the search per frame (patches × bank rows) flat as good parts are added:
    /// PatchCore reports a 1 % coreset within a fraction of a point of 10 %, and 2048 rows is about 4 % of 60 parts.
    /// </summary>
    public int MaxCoresetRows { get; set; } = 2048;

    /// <summary>The most bytes the memory bank may take (float32 rows); the coreset stops there. Default 16 MiB.</summary>
    public long MaxBankBytes { get; set; } = 16L << 20;

    /// <summary>The dimensions the coreset selection measures distances in (a further projection); 0 = the embedding's own. Default 64.</summary>
    public int SamplingDimensions { get; set; } = 64;

    /// <summary>Fixes the projection, the held-out split and the coreset's first pick. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// The share of good samples held out of the bank to set the threshold, in (0, 0.9]. Default 0.2. When the share
    /// would hold out fewer than 3 samples (below 13 good samples at 0.2), the fit holds out none and scores each sample
    /// against a bank of the others instead (leave one out).
    /// </summary>
    public double HeldOutShare { get; set; } = 0.2;

    /// <summary>The share of good parts the threshold may reject, in (0, 0.5]. Default 0.01 (1 %).</summary>
    public double TargetFalseRejectRate { get; set; } = 0.01;

    /// <summary>
    /// Divide each patch's distance by the typical distance of good patches at its position, measured on the
    /// held-out samples (<see cref="AnomalyThreshold.PositionScale"/>; needs 3 held-out samples, else off). Default true.
    /// </summary>
    public bool PositionScale { get; set; } = true;

    /// <summary>The fewest good samples a fit accepts (at least 2: each is scored against a bank of the other). Default 2.</summary>
    public int MinGoodSamples { get; set; } = 2;

    /// <summary>How many threads the coreset selection and the scoring of the held-out samples may use. Default 1.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>How many rows the coreset keeps from <paramref name="patches"/> rows of <paramref name="dimensions"/> values: the smallest of the ratio, the row cap and the byte budget, at least 1.</summary>
    /// <param name="patches">The number of training patches.</param>
    /// <param name="dimensions">The length of each bank row.</param>
    public int CoresetBudget(int patches, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var byRatio = (long)Math.Ceiling(CoresetRatio * patches);
        var byRows = MaxCoresetRows > 0 ? MaxCoresetRows : long.MaxValue;
        var byBytes = MaxBankBytes / ((long)dimensions * sizeof(float));
        return (int)Math.Clamp(Math.Min(Math.Min(byRatio, byRows), byBytes), 1, patches);
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => AnomalyFitOptionsValidator.Validate(this);
}
