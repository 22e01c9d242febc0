namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// The envelope every device message carries: the schema version, the device's sequence number and the
/// time it was made.
/// </summary>
/// <remarks>
/// <para><c>seq</c> follows Sparkplug B's idea of a per-edge-node sequence number so that a consumer can
/// see a gap, but it is 64-bit and never wraps (Sparkplug's 0–255 wraps and is reset by every birth),
/// and it survives restarts (see <see cref="Client.SequenceCounter"/>): a consumer that sees seq go
/// down knows the device's state was reset, not that messages were lost.</para>
/// <para>MQTT 5 itself only orders messages per topic and QoS within one session (§4.6); <c>seq</c> is
/// the order across the device's topics and across sessions.</para>
/// </remarks>
public abstract record DeviceMessage
{
    /// <summary>The schema version this library writes and accepts: <c>edgetransfer/v1</c>.</summary>
    public const string SchemaVersion = "edgetransfer/v1";

    /// <summary>The schema version of the payload.</summary>
    public string Schema { get; init; } = SchemaVersion;

    /// <summary>The device's sequence number (1, 2, …; monotonically increasing across topics and restarts).</summary>
    public long Seq { get; init; }

    /// <summary>When the device made the message (UTC).</summary>
    public DateTimeOffset Ts { get; init; }
}
