using System.Buffers;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// A message as an <see cref="IMqttTransport"/> hands it to its <see cref="IMqttTransportHandler"/>. The payload is
/// only valid during that call: the transport may reuse its buffer afterwards, so a handler copies what it keeps.
/// </summary>
public sealed class TransportMessage
{
    /// <summary>The topic name.</summary>
    public required string Topic { get; init; }

    /// <summary>The payload, valid during the handler call only.</summary>
    public ReadOnlySequence<byte> Payload { get; init; }

    /// <summary>Whether the broker delivered it as a retained message (MQTT 5 §3.3.1.3).</summary>
    public bool Retain { get; init; }

    /// <summary>The MQTT 5 response topic (§3.3.2.3.5), or null.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>The MQTT 5 correlation data (§3.3.2.3.6), or null when absent or empty.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>The MQTT 5 content type (§3.3.2.3.9), or null.</summary>
    public string? ContentType { get; init; }
}
