using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>
/// Queues device messages in the connection's on-disk outbox for the background parts of the agent (events,
/// training, fits): a message that cannot be stored is logged, never thrown into the thread that produced it.
/// </summary>
/// <param name="connection">The broker connection whose outbox stores the messages.</param>
/// <param name="logger">Where a message that could not be stored is logged.</param>
internal sealed class OutboxWriter(MqttConnection connection, ILogger logger)
{
    /// <summary>Stamps and stores <paramref name="message"/>; logs <paramref name="failure"/> when the outbox cannot take it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="failure">What is logged on failure (e.g. "the training result could not be stored in the outbox").</param>
    public void Enqueue<T>(T message, string failure)
        where T : DeviceMessage
    {
        try
        {
            connection.Enqueue(message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            AgentLog.TelemetryFailed(logger, ex, failure);
        }
    }
}
