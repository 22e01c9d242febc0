namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// <c>training</c>, <c>"type": "result"</c>: how a run ended. The outbox never drops a result before
/// telemetry and events (it is a <see cref="Outbox.MessageClass.Critical"/> message).
/// </summary>
public sealed record TrainingResult : DeviceMessage
{
    /// <summary>The discriminator on the shared <c>training</c> topic.</summary>
    public string Type { get; init; } = "result";

    /// <summary>The training run.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Promoted, rejected or failed.</summary>
    public PromotionOutcome Outcome { get; init; }

    /// <summary>The head version in service after the run.</summary>
    public long? HeadVersion { get; init; }

    /// <summary>The validation accuracy of the new head, 0 to 1, if measured.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The final training loss, if any epoch finished.</summary>
    public double? Loss { get; init; }

    /// <summary>Wall time of the run, in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Why the head was not promoted, or null.</summary>
    public string? Reason { get; init; }
}
