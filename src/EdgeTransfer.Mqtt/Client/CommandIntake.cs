using System.Buffers;
using System.Threading.Channels;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// A device's command intake: admits requests into a bounded queue for the one dispatcher and answers at once,
/// without keeping their bodies, those it will not run — retained ones, ones over their command's size limit,
/// and ones beyond the admission limit (<see cref="CommandErrorCodes.Busy"/>).
/// </summary>
/// <remarks>
/// MQTTnet queues received messages without a bound and waits for its handler before it acknowledges one. The
/// device's memory stays bounded because this intake never makes that handler wait, holds at most one largest
/// request plus a little room for small ones (<see cref="MaxQueuedBytes"/>), and the broker is told the largest
/// packet the device takes (<see cref="MaxPacketBytes"/>) and how many unacknowledged QoS 1 requests it may have
/// in flight (<see cref="ReceiveMaximum"/>). Bodies live in pooled buffers that go back once answered.
/// </remarks>
internal sealed class CommandIntake
{
    /// <summary>
    /// Room in a packet beyond the body: fixed header (≤ 5), topic and response topic (≤ 200 bytes each with
    /// 64-character ids), correlation data (≤ 64 accepted), content type, and a few user properties.
    /// </summary>
    public const int PacketOverheadBytes = 4096;

    /// <summary>The most requests queued or running at once.</summary>
    public const int MaxQueuedCommands = 64;

    /// <summary>Room for small requests (status, label …) next to one largest request (a deployment chunk).</summary>
    public const int SmallRequestRoomBytes = 64 * 1024;

    /// <summary>Unacknowledged QoS 1 requests the broker may send at once (MQTT 5 §3.1.2.11.3).</summary>
    public const ushort ReceiveMaximum = 16;

    private readonly CommandRouter _router;
    private readonly string _prefix;
    private readonly Channel<Admitted> _queue = Channel.CreateUnbounded<Admitted>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private int _count;
    private long _bytes;

    public CommandIntake(CommandRouter router)
    {
        _router = router;
        Filter = TopicFilters.DeviceCommands(router.Fleet, router.Device);
        _prefix = $"{DeviceTopic.Prefix}/{router.Fleet}/{router.Device}/cmd/";
        var largest = router.LargestPayloadBytes;
        MaxQueuedBytes = (long)largest + SmallRequestRoomBytes;
        MaxPacketBytes = largest + PacketOverheadBytes;
    }

    /// <summary>The device's command subscription.</summary>
    public string Filter { get; }

    /// <summary>The body bytes queued or running at most (one request over it is still taken when nothing else is).</summary>
    public long MaxQueuedBytes { get; }

    /// <summary>The largest legal request of the router plus <see cref="PacketOverheadBytes"/>.</summary>
    public int MaxPacketBytes { get; }

    /// <summary>Whether <paramref name="topic"/> lies in the device's <c>cmd/</c> subtree (a bad command name included).</summary>
    public bool IsCommandTopic(string topic) => topic.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>Takes one request: null when it was queued, or the reply to publish now.</summary>
    public async ValueTask<CommandDispatch?> OfferAsync(TransportMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        var command = new IncomingCommand
        {
            Topic = message.Topic,
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData,
            ContentType = message.ContentType,
            Retained = message.Retain,
        };
        if (message.Retain || payload.Length > _router.PayloadLimitOf(message.Topic))
        {
            // The router refuses both before it reads the body or waits for a running handler; the body is
            // only looked at in place, never copied.
            return await _router.DispatchAsync(command with { Payload = payload.IsSingleSegment ? payload.First : payload.ToArray() }, cancellationToken);
        }

        var length = (int)payload.Length;
        lock (_lock)
        {
            if (_count >= MaxQueuedCommands || (_count > 0 && _bytes + length > MaxQueuedBytes))
            {
                return _router.Refuse(command, CommandErrorCodes.Busy, $"The device is still on {_count} earlier request(s) of {_bytes:N0} bytes and takes at most {MaxQueuedCommands} or {MaxQueuedBytes:N0} bytes at once; this one ({length:N0} bytes) was not run. Send it again after the reply to an earlier one.");
            }

            _count++;
            _bytes += length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        payload.CopyTo(buffer);
        _queue.Writer.TryWrite(new Admitted(command with { Payload = buffer.AsMemory(0, length) }, buffer));
        return null;
    }

    /// <summary>Runs the queued requests one at a time, in arrival order, and hands each reply to <paramref name="publish"/>.</summary>
    public async Task RunAsync(Func<CommandDispatch, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        await foreach (var admitted in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            CommandDispatch dispatch;
            try
            {
                dispatch = await _router.DispatchAsync(admitted.Command, cancellationToken);
            }
            finally
            {
                // The handler has its parsed request; the body is not needed for the reply, so the next large
                // request can be admitted while this reply travels.
                Release(admitted);
            }

            await publish(dispatch, cancellationToken);
        }
    }

    /// <summary>Takes no more requests; <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private void Release(Admitted admitted)
    {
        lock (_lock)
        {
            _count--;
            _bytes -= admitted.Command.Payload.Length;
        }

        ArrayPool<byte>.Shared.Return(admitted.Buffer);
    }

    private sealed record Admitted(IncomingCommand Command, byte[] Buffer);
}
