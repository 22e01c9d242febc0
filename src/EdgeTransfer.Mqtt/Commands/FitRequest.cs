namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// <c>cmd/fit</c>: fit an anomaly model from the device's configured good images (<c>inspection.anomaly.goodImages</c>);
/// the quality gate promotes it only if it is not clearly worse than the model in service. Progress and the result
/// go out on the <c>training</c> topic (<c>fit-progress</c>, <c>fit-result</c>).
/// </summary>
public sealed record FitRequest : CommandRequest
{
    /// <summary>Whether the configured defect images (<c>inspection.anomaly.defectImages</c>) are scored for the gate's AUROC; default true.</summary>
    public bool? Defects { get; init; }
}
