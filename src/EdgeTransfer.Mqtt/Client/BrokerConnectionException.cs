namespace EdgeTransfer;

/// <summary>The broker could not be reached or refused the connection (bad credentials, not authorized, TLS failure).</summary>
/// <remarks>Devices do not see this from the reconnect loop (they log and retry); the fleet tool does, on its first connect.</remarks>
public sealed class BrokerConnectionException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="host">The broker host.</param>
    /// <param name="port">The broker port.</param>
    /// <param name="reason">Why, as a sentence (the broker's reason code included when there is one).</param>
    /// <param name="innerException">The MQTTnet or socket error behind it.</param>
    public BrokerConnectionException(string host, int port, string reason, Exception? innerException = null)
        : base($"MQTT broker {host}:{port}: {reason}", innerException)
    {
        Host = host;
        Port = port;
        Reason = reason;
    }

    /// <summary>The broker host.</summary>
    public string Host { get; }

    /// <summary>The broker port.</summary>
    public int Port { get; }

    /// <summary>Why the connection failed.</summary>
    public string Reason { get; }
}
