namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// What a session asks of one connect attempt of its <see cref="IMqttTransport"/>; the transport asks again before
/// every attempt (<see cref="IMqttTransportHandler.PrepareConnect"/>), so the last will can carry fresh values.
/// </summary>
public sealed record MqttConnectRequest
{
    /// <summary>Start a new session (MQTT 5 §3.1.2.4); false to resume the one the broker kept. Default true.</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>How long the broker keeps the session after a disconnect (§3.1.2.11.2); zero for none.</summary>
    public TimeSpan SessionExpiry { get; init; }

    /// <summary>The largest packet this client takes (§3.1.2.11.4).</summary>
    public int MaxPacketBytes { get; init; } = MqttConnectionOptions.DefaultMaxPacketBytes;

    /// <summary>Unacknowledged QoS 1 messages the broker may send at once (§3.1.2.11.3), or null for the protocol's default.</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>The last will's topic (§3.1.2.5), or null for no will. The will is published retained, with QoS 1, as JSON.</summary>
    public string? WillTopic { get; init; }

    /// <summary>The last will's payload.</summary>
    public ReadOnlyMemory<byte> WillPayload { get; init; }
}
