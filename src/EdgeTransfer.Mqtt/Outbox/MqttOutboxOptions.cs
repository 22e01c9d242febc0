namespace EdgeTransfer.Mqtt.Outbox;

/// <summary>Where the outbox lives and how large it may grow.</summary>
public sealed class MqttOutboxOptions
{
    /// <summary>The directory of queued messages (device state, not shared with anything else). Required.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Messages kept at most, 1 or more. Default 10,000.</summary>
    public int MaxMessages { get; set; } = 10_000;

    /// <summary>Bytes kept at most (payload, topic and header), 64 KiB or more. Default 16 MiB.</summary>
    public long MaxBytes { get; set; } = 16L << 20;
}
