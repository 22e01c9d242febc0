namespace EdgeTransfer.Mqtt.Commands;

/// <summary>The reply the router made for one request, and where it goes. The connection stamps <c>seq</c> and <c>ts</c>.</summary>
public sealed record CommandDispatch
{
    /// <summary>The topic to publish the reply on: the request's response topic, or <c>reply/{name}</c> when that is missing or not allowed.</summary>
    public required string ReplyTopic { get; init; }

    /// <summary>The correlation data to echo (MQTT 5 §4.10.2), or null when the request had none.</summary>
    public byte[]? CorrelationData { get; init; }

    /// <summary>The reply (without <c>seq</c> and <c>ts</c>).</summary>
    public required CommandReplyMessage Reply { get; init; }
}
