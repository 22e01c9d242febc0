namespace EdgeTransfer.Mqtt.Client;

/// <summary>MQTT 5 properties of one raw publish.</summary>
public sealed record PublishSettings
{
    /// <summary>Publish with QoS 1 (at least once, §4.3.2); false for QoS 0. Default true.</summary>
    public bool AtLeastOnce { get; init; } = true;

    /// <summary>The retain flag (§3.3.1.3).</summary>
    public bool Retain { get; init; }

    /// <summary>The response topic (§3.3.2.3.5), or null.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>The correlation data (§3.3.2.3.6), or null.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>The content type (§3.3.2.3.9); default <c>application/json</c>, null for none.</summary>
    public string? ContentType { get; init; } = Protocol.ProtocolJson.ContentType;
}
