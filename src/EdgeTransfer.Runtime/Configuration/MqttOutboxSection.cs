namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>mqtt.outbox</c> section of <c>device.json</c>: the limits of the on-disk queue that keeps results while the broker is away.</summary>
public sealed class MqttOutboxSection
{
    /// <summary>Messages kept at most, 1 to 10,000,000; the oldest telemetry goes first. Default 10,000.</summary>
    public int MaxMessages { get; set; } = 10_000;

    /// <summary>Bytes kept at most, 64 KiB to 16 GiB. Default 16 MiB.</summary>
    public long MaxBytes { get; set; } = 16L << 20;
}
