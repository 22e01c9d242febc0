namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>One malformed request and the error it must produce.</summary>
public sealed record BadPayload(string Name, string Command, byte[] Payload, string Code, string? Mentions)
{
    /// <summary>Null: send a good response topic; "" none; else this topic.</summary>
    public string? ResponseTopic { get; init; }

    public bool NoCorrelation { get; init; }

    public int CorrelationBytes { get; init; } = 16;

    public string? ContentType { get; init; } = "application/json";

    public override string ToString() => Name;
}
