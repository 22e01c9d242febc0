using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Server;

namespace EdgeTransfer.Mqtt.Broker;

/// <summary>
/// Keeps the embedded broker from sending a client a packet larger than the Maximum Packet Size the client announced
/// on CONNECT (MQTT 5 §3.1.2.11.4: the server must not send it, and discards it as if delivered).
/// </summary>
/// <remarks>
/// MQTTnet's server records the announced size but forwards larger messages anyway, so a device behind the embedded
/// broker received 15 MB command bodies it had refused to take, and held them in memory while reading them.
/// Mosquitto does this itself.
/// </remarks>
internal static class PacketLimits
{
    // The fixed header, packet id, property lengths and property identifiers: more than a PUBLISH ever uses.
    private const int HeaderBytes = 32;

    /// <summary>Records each client's announced limit and drops the messages over it that would go to that client.</summary>
    public static void Enforce(MqttServer server)
    {
        var limits = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        server.ValidatingConnectionAsync += args =>
        {
            if (args.MaximumPacketSize > 0)
            {
                limits[args.ClientId] = args.MaximumPacketSize;
            }
            else
            {
                limits.TryRemove(args.ClientId, out _);
            }

            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += args =>
        {
            limits.TryRemove(args.ClientId, out _);
            return Task.CompletedTask;
        };
        server.InterceptingClientEnqueueAsync += args =>
        {
            if (limits.TryGetValue(args.ReceiverClientId, out var limit) && PacketBytes(args.ApplicationMessage) > limit)
            {
                args.AcceptEnqueue = false;
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The size of the PUBLISH packet that carries <paramref name="message"/>, at least.</summary>
    internal static long PacketBytes(MqttApplicationMessage message)
    {
        var bytes = HeaderBytes + message.Payload.Length + Utf8(message.Topic) + Utf8(message.ResponseTopic) + Utf8(message.ContentType)
            + (message.CorrelationData?.Length ?? 0);
        foreach (var property in message.UserProperties ?? [])
        {
            bytes += 5 + Utf8(property.Name) + property.ValueBuffer.Length;
        }

        return bytes;
    }

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text) + 2;
}
