namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// The session on top of an <see cref="IMqttTransport"/>: what each connect asks for, what to do once connected and
/// before a clean disconnect, and where received messages go. <see cref="MqttConnection"/> is the SDK's one.
/// </summary>
public interface IMqttTransportHandler
{
    /// <summary>Called before every connect attempt.</summary>
    /// <returns>The session flags, packet limits and last will of this attempt.</returns>
    MqttConnectRequest PrepareConnect();

    /// <summary>
    /// Called after every successful connect, once the subscriptions are made again and before
    /// <see cref="IMqttTransport.WaitConnectedAsync"/> completes (a device publishes its birth here). An exception
    /// fails the attempt: the transport logs it and reconnects after its back-off.
    /// </summary>
    /// <param name="cancellationToken">Ends with the attempt's timeout or the transport's stop.</param>
    Task OnConnectedAsync(CancellationToken cancellationToken);

    /// <summary>Called by <see cref="IMqttTransport.DisconnectAsync"/> while still connected, before the normal DISCONNECT (a device says goodbye here).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task OnDisconnectingAsync(CancellationToken cancellationToken);

    /// <summary>Called for every message of a subscription, one at a time, in the order the broker sent them.</summary>
    /// <param name="message">The message; its payload is valid during this call only.</param>
    /// <param name="cancellationToken">Ends when the transport stops.</param>
    Task OnMessageAsync(TransportMessage message, CancellationToken cancellationToken);
}
