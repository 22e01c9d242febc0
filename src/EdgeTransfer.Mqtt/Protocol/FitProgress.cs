namespace EdgeTransfer.Mqtt.Protocol;

/// <summary><c>training</c>, <c>"type": "fit-progress"</c>: one step of an anomaly fit (images read, coreset, calibration).</summary>
public sealed record FitProgress : DeviceMessage
{
    /// <summary>The discriminator on the shared <c>training</c> topic.</summary>
    public string Type { get; init; } = "fit-progress";

    /// <summary>The fit run this belongs to.</summary>
    public string RunId { get; init; } = "";

    /// <summary>The stage: <c>features</c> (backbone per image), <c>embedding</c>, <c>coreset</c> or <c>calibrating</c>.</summary>
    public string Stage { get; init; } = "";

    /// <summary>Steps of the stage done.</summary>
    public int Done { get; init; }

    /// <summary>Steps of the stage in all.</summary>
    public int Total { get; init; }
}
