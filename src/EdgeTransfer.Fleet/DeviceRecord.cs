using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>What the fleet tool knows of one device: a snapshot taken from a <see cref="FleetView"/>.</summary>
public sealed record DeviceRecord
{
    /// <summary>The device id.</summary>
    public required string Device { get; init; }

    /// <summary>Online or offline from the retained <c>status</c>; null when no status was seen (only other messages).</summary>
    public DeviceState? State { get; init; }

    /// <summary>Why the device went offline (<c>last-will</c>: it vanished; <c>shutdown</c>: it said goodbye), or null.</summary>
    public string? Reason { get; init; }

    /// <summary>When the device made its newest message (its own clock, the <c>ts</c> field).</summary>
    public DateTimeOffset? LastTs { get; init; }

    /// <summary>When this tool last received anything from the device (this machine's clock).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The highest <c>seq</c> seen.</summary>
    public long LastSeq { get; init; }

    /// <summary>Messages received from the device while watching.</summary>
    public long Messages { get; init; }

    /// <summary>Sequence numbers missing now; null when not tracked (shared subscriptions see only a part of each device's messages).</summary>
    public long? Gaps { get; init; }

    /// <summary>Messages that arrived twice (QoS 1 redelivery); null when not tracked.</summary>
    public long? Duplicates { get; init; }

    /// <summary>What the device runs, from its birth.</summary>
    public DeviceVersions? Versions { get; init; }

    /// <summary>The ONNX Runtime execution provider, from its birth.</summary>
    public string? ExecutionProvider { get; init; }

    /// <summary>The newest telemetry, or null.</summary>
    public TelemetryMessage? Telemetry { get; init; }

    /// <summary>The newest training progress or result as one line (<c>progress 3/20 loss 0.41</c>), or null.</summary>
    public string? Training { get; init; }
}
