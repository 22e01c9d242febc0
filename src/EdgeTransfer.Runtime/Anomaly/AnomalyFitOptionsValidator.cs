using System.Globalization;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>Checks <see cref="AnomalyFitOptions"/>.</summary>
internal static class AnomalyFitOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(AnomalyFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ProjectionDimensions < 0)
        {
            throw Bad(nameof(options.ProjectionDimensions), $"must be 0 (no projection) or more; got {options.ProjectionDimensions}.");
        }

        if (!(options.CoresetRatio > 0 && options.CoresetRatio <= 1))
        {
            throw Bad(nameof(options.CoresetRatio), Invariant($"must be above 0 and at most 1 (a share of the training patches); got {options.CoresetRatio}."));
        }

        if (options.MaxCoresetRows < 0)
        {
            throw Bad(nameof(options.MaxCoresetRows), $"must be 0 (no cap) or more; got {options.MaxCoresetRows}.");
        }

        if (options.MaxBankBytes < 1024)
        {
            throw Bad(nameof(options.MaxBankBytes), $"must be at least 1024 bytes; got {options.MaxBankBytes}.");
        }

        if (options.SamplingDimensions < 0)
        {
            throw Bad(nameof(options.SamplingDimensions), $"must be 0 (no projection) or more; got {options.SamplingDimensions}.");
        }

        if (!(options.HeldOutShare > 0 && options.HeldOutShare <= 0.9))
        {
            throw Bad(nameof(options.HeldOutShare), Invariant($"must be above 0 and at most 0.9; got {options.HeldOutShare}."));
        }

        if (!(options.TargetFalseRejectRate > 0 && options.TargetFalseRejectRate <= 0.5))
        {
            throw Bad(nameof(options.TargetFalseRejectRate), Invariant($"must be above 0 and at most 0.5 (a share of good parts); got {options.TargetFalseRejectRate}."));
        }

        if (options.MinGoodSamples < 2)
        {
            throw Bad(nameof(options.MinGoodSamples), $"must be 2 or more (each is scored against a bank of the others); got {options.MinGoodSamples}.");
        }

        if (options.Threads < 1)
        {
            throw Bad(nameof(options.Threads), $"must be 1 or more; got {options.Threads}.");
        }
    }

    private static InvalidSettingException Bad(string name, string reason) => new($"AnomalyFitOptions.{name}", reason);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
