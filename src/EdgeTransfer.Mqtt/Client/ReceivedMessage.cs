using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>A message delivered to a subscription of a <see cref="MqttConnection"/>.</summary>
public sealed record ReceivedMessage
{
    /// <summary>The topic name.</summary>
    public required string Topic { get; init; }

    /// <summary>The parsed topic, or null if it is not a v1 device topic.</summary>
    public DeviceTopic? DeviceTopic { get; init; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Whether the broker delivered it as a retained message (MQTT 5 §3.3.1.3).</summary>
    public bool Retain { get; init; }

    /// <summary>The MQTT 5 correlation data, or null.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>The MQTT 5 response topic, or null.</summary>
    public string? ResponseTopic { get; init; }
}
