using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>A way to build the memory bank, measured side by side with the others.</summary>
/// <param name="Name">A short stable key: <c>default</c> or <c>full</c>.</param>
/// <param name="Description">What the bank is, for people.</param>
/// <param name="Options">The fit options.</param>
public sealed record BankConfiguration(string Name, string Description, AnomalyFitOptions Options)
{
    /// <summary>What the device fits: the library's defaults (projection, coreset, byte budget).</summary>
    /// <param name="threads">Threads of the nearest-neighbour search.</param>
    /// <param name="coresetRows">The coreset row cap instead of the library's default (0 = no cap), or null.</param>
    public static BankConfiguration DeviceDefault(int threads, int? coresetRows = null)
    {
        var options = new AnomalyFitOptions { Threads = threads };
        options.MaxCoresetRows = coresetRows ?? options.MaxCoresetRows;
        return new BankConfiguration(
            "default",
            FormattableString.Invariant($"device default (projection {options.ProjectionDimensions}, coreset {options.CoresetRatio:P0} capped at {options.MaxCoresetRows} rows, sampled in {options.SamplingDimensions} dims, ≤ {options.MaxBankBytes >> 20} MiB)"),
            options);
    }

    /// <summary>The exact PatchCore bank: every training patch at full length (no coreset, no projection, no byte budget).</summary>
    /// <param name="threads">Threads of the nearest-neighbour search.</param>
    public static BankConfiguration FullBank(int threads) => new(
        "full",
        "exact full bank (every patch, no projection)",
        new AnomalyFitOptions { ProjectionDimensions = 0, CoresetRatio = 1, MaxCoresetRows = 0, MaxBankBytes = long.MaxValue, Threads = threads });
}
