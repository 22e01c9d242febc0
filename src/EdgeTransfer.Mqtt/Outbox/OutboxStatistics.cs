namespace EdgeTransfer.Mqtt.Outbox;

/// <summary>Counters since the outbox was opened (telemetry reports them).</summary>
public sealed record OutboxStatistics
{
    /// <summary>Messages waiting now.</summary>
    public int Count { get; init; }

    /// <summary>Bytes waiting now.</summary>
    public long Bytes { get; init; }

    /// <summary>Messages stored since open.</summary>
    public long Enqueued { get; init; }

    /// <summary>Messages delivered (acknowledged by the broker) since open.</summary>
    public long Delivered { get; init; }

    /// <summary>Telemetry messages dropped because the outbox was full.</summary>
    public long DroppedTelemetry { get; init; }

    /// <summary>Event messages dropped because the outbox was full.</summary>
    public long DroppedEvents { get; init; }

    /// <summary>Critical messages dropped because the outbox was full of nothing else.</summary>
    public long DroppedCritical { get; init; }

    /// <summary>Files found damaged (torn write, bad checksum) and discarded.</summary>
    public long Corrupt { get; init; }

    /// <summary>All dropped messages.</summary>
    public long Dropped => DroppedTelemetry + DroppedEvents + DroppedCritical;
}
