namespace EdgeTransfer.Mqtt.Commands;

/// <summary>A request as it arrived from the broker, before any check: the router trusts none of it.</summary>
public sealed record IncomingCommand
{
    /// <summary>The topic name it was published to.</summary>
    public required string Topic { get; init; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The MQTT 5 response topic (§3.3.2.3.5), or null.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>The MQTT 5 correlation data (§3.3.2.3.6), or null.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>The MQTT 5 content type (§3.3.2.3.9), or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Whether it came with the retain flag (MQTT 5 §3.3.1.3): a stored message, never taken as a command.</summary>
    public bool Retained { get; init; }
}
