namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// <c>training</c>, <c>"type": "fit-result"</c>: how an anomaly fit ended. Like a training result, the outbox keeps
/// it before telemetry and events.
/// </summary>
public sealed record FitResult : DeviceMessage
{
    /// <summary>The discriminator on the shared <c>training</c> topic.</summary>
    public string Type { get; init; } = "fit-result";

    /// <summary>The fit run.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Promoted, rejected (the quality gate kept the model in service) or failed.</summary>
    public PromotionOutcome Outcome { get; init; }

    /// <summary>The anomaly model version in service after the fit (<c>a0002</c>), or null when none is.</summary>
    public string? AnomalyModel { get; init; }

    /// <summary>Good images read.</summary>
    public int? GoodImages { get; init; }

    /// <summary>Defect images read.</summary>
    public int? DefectImages { get; init; }

    /// <summary>Good images left out because they copy another (the same image again, identical blank images).</summary>
    public int? CopiesSetAside { get; init; }

    /// <summary>Patches in the candidate's memory bank.</summary>
    public int? BankPatches { get; init; }

    /// <summary>Bytes of the candidate's memory bank.</summary>
    public long? BankBytes { get; init; }

    /// <summary>The candidate's raw threshold.</summary>
    public double? Threshold { get; init; }

    /// <summary>The candidate's false-reject rate on the held-out good images, 0 to 1.</summary>
    public double? HeldOutFalseRejectRate { get; init; }

    /// <summary>The candidate's image AUROC (held-out good vs defects), when defects were scored.</summary>
    public double? ImageAuroc { get; init; }

    /// <summary>Wall time of the fit including the backbone runs, in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>The quality gate's sentence, or why the fit failed.</summary>
    public string? Reason { get; init; }
}
