using System.Collections.Concurrent;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// The fleet's side of protocol v1 on a transport: a clean session unless a client id is fixed, subscriptions to every
/// device's messages (optionally MQTT 5 shared, §4.8.2), and request/response commands matched by correlation data (§4.10).
/// </summary>
/// <remarks>Ownership: owns nothing but its table of waiting requests; not the transport.</remarks>
internal sealed class FleetSession(MqttConnectionOptions options, IMqttTransport transport, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandReplyMessage>> _pending = new(StringComparer.Ordinal);

    public MqttConnectRequest PrepareConnect()
    {
        // A fleet tool with a fixed client id is a durable consumer: its subscriptions and queued messages outlive a restart.
        var persistent = options.ClientId is not null;
        return new MqttConnectRequest
        {
            CleanStart = !persistent,
            SessionExpiry = persistent ? options.SessionExpiry : TimeSpan.Zero,
            MaxPacketBytes = options.MaxPacketBytes ?? MqttConnectionOptions.DefaultMaxPacketBytes,
        };
    }

    public string FleetFilter(TopicKind kind)
    {
        var filter = TopicFilters.AllDevices(options.Fleet, kind);
        return options.SharedSubscriptionGroup is { } group ? TopicFilters.Shared(group, filter) : filter;
    }

    public async Task<CommandReplyMessage> SendCommandAsync(string device, string name, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var topic = DeviceTopic.Command(options.Fleet, device, name).ToString();
        var replyTopic = DeviceTopic.Reply(options.Fleet, device, name).ToString();
        // Replies are never shared: the consumer that asked must be the one that hears the answer.
        await transport.SubscribeAsync(TopicFilters.AllDevices(options.Fleet, TopicKind.Reply), sendRetained: true, cancellationToken);
        var correlation = Guid.NewGuid().ToByteArray();
        var key = Convert.ToHexString(correlation);
        var pending = new TaskCompletionSource<CommandReplyMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = pending;
        try
        {
            var outcome = await transport.PublishAsync(topic, body, new PublishSettings { ResponseTopic = replyTopic, CorrelationData = correlation }, cancellationToken);
            outcome.ThrowIfRefused(options, topic);

            return await pending.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Device '{device}' did not answer {name} within {timeout.TotalSeconds:0.#} s; it may be offline (see its status) or busy.", ex);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Completes the request that <paramref name="message"/> answers, if it answers one of ours.</summary>
    public void MatchReply(ReceivedMessage message)
    {
        if (message.CorrelationData is not { } data || !_pending.TryRemove(Convert.ToHexString(data.Span), out var waiter))
        {
            return;
        }

        try
        {
            waiter.TrySetResult(ProtocolJson.Deserialize<CommandReplyMessage>(message.Payload.Span));
        }
        catch (System.Text.Json.JsonException ex)
        {
            waiter.TrySetException(new EdgeTransferException($"The reply on {message.Topic} is not a v1 command reply: {ex.Message}", ex));
        }
    }
}
