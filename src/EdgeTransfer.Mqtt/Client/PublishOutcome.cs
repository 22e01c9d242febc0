namespace EdgeTransfer.Mqtt.Client;

/// <summary>What the broker said to one publish: taken, or refused with a reason (MQTT 5 §3.4.2.1, PUBACK reason codes).</summary>
/// <param name="Refusal">Why the broker refused the message (its reason code and string), or null when it took it.</param>
public readonly record struct PublishOutcome(string? Refusal)
{
    /// <summary>The broker took the message (or had no subscriber for it, which is no error).</summary>
    public static PublishOutcome Accepted => default;

    /// <summary>Whether the broker took the message.</summary>
    public bool IsAccepted => Refusal is null;

    /// <summary>Throws when the broker refused the message on <paramref name="topic"/>.</summary>
    internal void ThrowIfRefused(MqttConnectionOptions options, string topic)
    {
        if (Refusal is { } refusal)
        {
            throw new BrokerConnectionException(options.Host, options.Port, $"refused the message on {topic} ({refusal}); check the ACL for this user.");
        }
    }
}
