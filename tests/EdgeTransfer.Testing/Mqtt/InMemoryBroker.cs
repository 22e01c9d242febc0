using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Testing.Mqtt;

/// <summary>
/// A broker inside the test process, without sockets, for tests that are about the protocol's sessions and not about a
/// broker: topic wildcards (<c>+</c>, <c>#</c>), retained messages (a zero-byte one clears the topic), MQTT 5 shared
/// subscriptions (<c>$share/{group}/…</c>, one member per message, no retained messages on subscribe), the last will
/// of a client whose link is cut (<see cref="DropAll"/>), and outages (<see cref="IsAvailable"/>).
/// </summary>
/// <remarks>
/// Not modelled: persistent sessions (a message for an absent client is dropped), ACLs, packet limits, TLS. Tests of
/// those use the embedded MQTTnet broker or a real Mosquitto.
/// </remarks>
public sealed class InMemoryBroker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Retained> _retained = new(StringComparer.Ordinal);
    private readonly HashSet<InMemoryTransport> _attached = [];
    private readonly Dictionary<string, int> _shareTurns = new(StringComparer.Ordinal);
    private bool _available = true;

    /// <summary>Whether clients can connect; false cuts every link (wills are published) and refuses connects until true again.</summary>
    public bool IsAvailable
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }

        set
        {
            lock (_lock)
            {
                _available = value;
            }

            if (!value)
            {
                DropAll();
            }
        }
    }

    /// <summary>Messages published through the broker so far (wills included).</summary>
    public long Published { get; private set; }

    /// <summary>A transport of a new client of this broker.</summary>
    /// <param name="clientId">The client id, for messages.</param>
    public InMemoryTransport CreateTransport(string clientId) => new(this, clientId);

    /// <summary>Cuts every link without a DISCONNECT, as a power loss would: each client's last will is published, and each reconnects.</summary>
    public void DropAll()
    {
        InMemoryTransport[] clients;
        lock (_lock)
        {
            clients = [.. _attached];
        }

        foreach (var client in clients)
        {
            client.Drop();
        }
    }

    internal bool TryAttach(InMemoryTransport client)
    {
        lock (_lock)
        {
            return _available && _attached.Add(client);
        }
    }

    internal void Detach(InMemoryTransport client, MqttConnectRequest? will)
    {
        lock (_lock)
        {
            if (!_attached.Remove(client))
            {
                return;
            }
        }

        if (will?.WillTopic is { } topic)
        {
            Publish(topic, will.WillPayload, new PublishSettings { Retain = true });
        }
    }

    internal void Publish(string topic, ReadOnlyMemory<byte> payload, PublishSettings settings)
    {
        var message = new Delivery(topic, payload.ToArray(), settings);
        lock (_lock)
        {
            Published++;
            if (settings.Retain)
            {
                if (message.Payload.Length == 0)
                {
                    _retained.Remove(topic);
                }
                else
                {
                    _retained[topic] = new Retained(message);
                }
            }

            var groups = new Dictionary<string, List<InMemoryTransport>>(StringComparer.Ordinal);
            foreach (var client in _attached)
            {
                foreach (var filter in client.Filters)
                {
                    if (TopicFilter.TrySplitShared(filter, out var group, out var shared))
                    {
                        if (TopicFilter.Matches(shared, topic))
                        {
                            (groups.TryGetValue(filter, out var members) ? members : groups[filter] = []).Add(client);
                        }
                    }
                    else if (TopicFilter.Matches(filter, topic))
                    {
                        // Live messages carry retain 0 (MQTT 5 §3.3.1.3 with Retain As Published off, MQTTnet's default).
                        client.Deliver(message, retained: false);
                        break;
                    }
                }
            }

            foreach (var (filter, members) in groups)
            {
                // MQTT 5 §4.8.2: each message of a shared subscription goes to one member of the group.
                var turn = _shareTurns.GetValueOrDefault(filter);
                _shareTurns[filter] = turn + 1;
                members.Sort((a, b) => string.CompareOrdinal(a.ClientId, b.ClientId));
                members[turn % members.Count].Deliver(message, retained: false);
            }
        }
    }

    internal void SendRetained(InMemoryTransport client, string filter)
    {
        if (TopicFilter.TrySplitShared(filter, out _, out _))
        {
            // A shared subscription gets no retained messages when it is made (MQTT 5 §3.3.1.3).
            return;
        }

        lock (_lock)
        {
            foreach (var (topic, retained) in _retained.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (TopicFilter.Matches(filter, topic))
                {
                    client.Deliver(retained.Message, retained: true);
                }
            }
        }
    }

    internal sealed record Delivery(string Topic, byte[] Payload, PublishSettings Settings);

    private sealed record Retained(Delivery Message);
}
