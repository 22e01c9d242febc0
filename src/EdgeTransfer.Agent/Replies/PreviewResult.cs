namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>preview</c> reply: the last inspected frame, scaled down to a few thousand pixels.</summary>
public sealed record PreviewResult
{
    /// <summary>The only pixel format sent: 8-bit R, G, B per pixel, rows top to bottom, no padding.</summary>
    public const string Rgb24 = "rgb24";

    /// <summary>The frame shown (the one <c>label</c> without <c>frameId</c> would label now).</summary>
    public long FrameId { get; init; }

    /// <summary>Width in pixels, 1 to 96.</summary>
    public int Width { get; init; }

    /// <summary>Height in pixels, 1 to 96.</summary>
    public int Height { get; init; }

    /// <summary>The pixel format of <see cref="Data"/>: always <see cref="Rgb24"/>.</summary>
    public string Format { get; init; } = Rgb24;

    /// <summary>Standard base64 (RFC 4648 §4) of exactly <see cref="Width"/> × <see cref="Height"/> × 3 bytes.</summary>
    public string Data { get; init; } = "";

    /// <summary>With <c>"anomalyMap": true</c>: the anomaly map of the last scored frame, or null when there is none yet.</summary>
    public Mqtt.Protocol.AnomalyMapMessage? AnomalyMap { get; init; }
}
