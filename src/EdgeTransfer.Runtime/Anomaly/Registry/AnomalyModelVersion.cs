using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>One stored anomaly model version (<c>a0003.etam</c>) and what the registry recorded with it.</summary>
public sealed record AnomalyModelVersion : IRegistryVersion
{
    /// <summary>The version number (1, 2, …).</summary>
    public required int Number { get; init; }

    /// <summary>The version's name: <c>a0003</c>.</summary>
    public string Name => AnomalyModelRegistry.VersionName(Number);

    /// <summary>The full path of the model file.</summary>
    public required string Path { get; init; }

    /// <summary>When it was promoted (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Fitted, or a rollback copy.</summary>
    public required AnomalyModelSource Source { get; init; }

    /// <summary>The version that was in service before it, or null for the first.</summary>
    public int? Previous { get; init; }

    /// <summary>For a rollback copy, the version it copies.</summary>
    public int? RestoredFrom { get; init; }

    /// <summary>The raw score threshold of the model.</summary>
    public required float Threshold { get; init; }

    /// <summary>The memory bank's rows.</summary>
    public required int BankPatches { get; init; }

    /// <summary>The memory bank's bytes.</summary>
    public required long BankBytes { get; init; }

    /// <summary>The share of held-out good samples the model rejected when it was fitted, when recorded.</summary>
    public double? HeldOutFalseRejectRate { get; init; }

    /// <summary>Image AUROC against labelled defects when it was fitted, when defects were given.</summary>
    public double? ImageAuroc { get; init; }

    /// <summary>
    /// True when the fit held no part out and scored each part against a bank of the others (few parts), so
    /// <see cref="HeldOutFalseRejectRate"/> is the share of those left-out scores above the threshold.
    /// </summary>
    public bool LeaveOneOut { get; init; }
}
