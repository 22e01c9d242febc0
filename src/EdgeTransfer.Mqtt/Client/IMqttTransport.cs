namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// One client's link to a broker: connect and reconnect, publish, subscribe. It knows nothing of protocol v1; the
/// session on top (<see cref="IMqttTransportHandler"/>, in the SDK <see cref="MqttConnection"/>) does.
/// <see cref="MqttNetTransport"/> is the real one (MQTTnet); tests that are not about the broker use an in-memory one.
/// </summary>
/// <remarks>Ownership: the transport owns its client; the handler it is started with is not owned.</remarks>
public interface IMqttTransport : IAsyncDisposable
{
    /// <summary>Whether the link is up now.</summary>
    bool IsConnected { get; }

    /// <summary>Successful connects so far.</summary>
    long ConnectCount { get; }

    /// <summary>
    /// Starts connecting, and reconnecting after every loss with back-off, in the background; returns at once.
    /// </summary>
    /// <param name="handler">The session (not owned).</param>
    /// <exception cref="InvalidSettingException">A credential or certificate file cannot be read.</exception>
    /// <exception cref="InvalidOperationException">Started already.</exception>
    void Start(IMqttTransportHandler handler);

    /// <summary>Completes when the link is up and the handler's <see cref="IMqttTransportHandler.OnConnectedAsync"/> has run.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task WaitConnectedAsync(CancellationToken cancellationToken);

    /// <summary>Publishes one message now.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="settings">QoS, retain flag and MQTT 5 properties.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <returns>Whether the broker took the message.</returns>
    /// <exception cref="BrokerConnectionException">Not connected, or the link broke during the publish.</exception>
    Task<PublishOutcome> PublishAsync(string topic, ReadOnlyMemory<byte> payload, PublishSettings settings, CancellationToken cancellationToken);

    /// <summary>Subscribes with QoS 1 now if connected, and again after every reconnect (before the handler hears of it).</summary>
    /// <param name="filter">The topic filter.</param>
    /// <param name="sendRetained">Whether the broker sends the retained messages that match when the subscription is made (MQTT 5 §3.3.1.3).</param>
    /// <param name="cancellationToken">Stops waiting for the SUBACK.</param>
    /// <exception cref="BrokerConnectionException">The broker refused the subscription.</exception>
    Task SubscribeAsync(string filter, bool sendRetained, CancellationToken cancellationToken);

    /// <summary>
    /// Stops reconnecting and, if connected, lets the handler say goodbye (<see cref="IMqttTransportHandler.OnDisconnectingAsync"/>)
    /// and disconnects normally, so the broker discards the last will (MQTT 5 §3.1.2.5).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="BrokerConnectionException">The link broke during the goodbye.</exception>
    Task DisconnectAsync(CancellationToken cancellationToken);
}
