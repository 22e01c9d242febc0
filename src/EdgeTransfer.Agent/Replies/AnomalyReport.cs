namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>anomaly</c> part of a <c>status</c> reply: the inspection mode and the anomaly model in service.</summary>
public sealed record AnomalyReport
{
    /// <summary><c>classify</c>, <c>anomaly</c> or <c>both</c>.</summary>
    public string Mode { get; init; } = "classify";

    /// <summary>Whether the bundle has the patch features an anomaly model reads.</summary>
    public bool Available { get; init; }

    /// <summary>The version in service (<c>a0002</c>), or null before the first fit.</summary>
    public string? Version { get; init; }

    /// <summary>Its raw threshold.</summary>
    public double? Threshold { get; init; }

    /// <summary>Patches in its memory bank.</summary>
    public int? BankPatches { get; init; }

    /// <summary>Bytes of its memory bank.</summary>
    public long? BankBytes { get; init; }

    /// <summary>Its false-reject rate on the held-out good images of its fit, 0 to 1.</summary>
    public double? HeldOutFalseRejectRate { get; init; }

    /// <summary>Its image AUROC on the defects of its fit, when there were any.</summary>
    public double? ImageAuroc { get; init; }

    /// <summary>The version it replaced, or null.</summary>
    public string? Previous { get; init; }

    /// <summary>The fit in progress, or null.</summary>
    public string? FitRun { get; init; }
}
