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

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("size", Size, MinSize, MaxSize);
    }
}
