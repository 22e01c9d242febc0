namespace EdgeTransfer.Mqtt.Outbox;

/// <summary>One queued message, read back from the disk and checksum-verified.</summary>
internal sealed record OutboxMessage
{
    /// <summary>The outbox's own id: increasing, the delivery order.</summary>
    public required long Id { get; init; }

    /// <summary>The topic name.</summary>
    public required string Topic { get; init; }

    /// <summary>The payload.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>The drop class.</summary>
    public MessageClass Class { get; init; }

    /// <summary>Whether to publish with the retain flag.</summary>
    public bool Retain { get; init; }
}
