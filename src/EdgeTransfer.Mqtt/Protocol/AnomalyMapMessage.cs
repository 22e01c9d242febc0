namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// An anomaly map: one byte per patch (28×28 for ResNet18 at 224 px), rows top to bottom; 128 is the model's
/// threshold, 0 a perfect match, 255 far above the threshold.
/// </summary>
public sealed record AnomalyMapMessage
{
    /// <summary>The frame the map belongs to.</summary>
    public long FrameId { get; init; }

    /// <summary>Columns.</summary>
    public int Width { get; init; }

    /// <summary>Rows.</summary>
    public int Height { get; init; }

    /// <summary>Standard base64 (RFC 4648 §4) of exactly <see cref="Width"/> × <see cref="Height"/> bytes.</summary>
    public string Data { get; init; } = "";

    /// <summary>The frame's anomaly score, normalised so that 0.5 is the decision point.</summary>
    public double Score { get; init; }
}
