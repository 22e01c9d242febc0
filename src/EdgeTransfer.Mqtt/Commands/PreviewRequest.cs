namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/preview</c>: reply with a small RGB picture of the last inspected frame (docs/console.md).</summary>
public sealed record PreviewRequest : CommandRequest
{
    /// <summary>The smallest <see cref="Size"/> accepted, in pixels.</summary>
    public const int MinSize = 8;

    /// <summary>The largest <see cref="Size"/> accepted, in pixels: the reply stays under 40 KB.</summary>
    public const int MaxSize = 96;

    /// <summary>The size used when the request names none.</summary>
    public const int DefaultSize = 48;

    /// <summary>The longer side of the picture, <see cref="MinSize"/> to <see cref="MaxSize"/>; null for <see cref="DefaultSize"/>.</summary>
    public int? Size { get; init; }

    /// <summary>
    /// True: the reply also carries the anomaly map of the last scored frame (modes <c>anomaly</c> and
    /// <c>both</c>); the device makes maps from then on, so a map that is missing now comes with the next preview.
    /// </summary>
    public bool? AnomalyMap { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("size", Size, MinSize, MaxSize);
    }
}
