namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/label</c>: label the last frame (or frame <see cref="FrameId"/>) as <see cref="Label"/>.</summary>
public sealed record LabelRequest : CommandRequest
{
    /// <summary>The class name (an id: it names stored samples, never a path).</summary>
    public required string Label { get; init; }

    /// <summary>The frame to label, or null for the last frame.</summary>
    public long? FrameId { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Id("label", Label);
        RequestChecks.Range("frameId", FrameId, 0, long.MaxValue);
    }
}
