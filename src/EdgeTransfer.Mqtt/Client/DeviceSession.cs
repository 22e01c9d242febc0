using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Outbox;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// The device's side of protocol v1 on a transport: persistent session (clean start off, session expiry, MQTT 5
/// §3.1.2.4 and §3.1.2.11.2) so commands queued while away arrive; last will = retained <c>offline</c> status
/// (§3.1.2.5); a retained <c>online</c> birth on every (re)connect; requests on <c>cmd/+</c> through the
/// <see cref="CommandIntake"/> to the router, one reply each; telemetry, events and training through the on-disk
/// <see cref="MqttOutbox"/>, published in order with QoS 1 once connected. Every message carries the next number of
/// the persisted <see cref="SequenceCounter"/>.
/// </summary>
/// <remarks>Ownership: owns the outbox and the sequence counter; not the transport or the router.</remarks>
internal sealed class DeviceSession : IDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly IMqttTransport _transport;
    private readonly Func<StatusMessage> _birth;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _enqueueLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _statusTopic;
    private CommandIntake? _intake;
    private Task _pump = Task.CompletedTask;
    private Task _dispatch = Task.CompletedTask;
    private long? _birthSeq;

    public DeviceSession(MqttConnectionOptions options, IMqttTransport transport, Func<StatusMessage> birth, ILogger logger, TimeProvider time)
    {
        _options = options;
        _transport = transport;
        _birth = birth;
        _logger = logger;
        _time = time;
        _statusTopic = DeviceTopic.For(options.Fleet, options.DeviceId!, TopicKind.Status).ToString();
        Directory.CreateDirectory(options.StateDirectory!);
        Sequence = new SequenceCounter(Path.Combine(options.StateDirectory!, "mqtt.seq"));
        var outbox = options.Outbox;
        Outbox = new MqttOutbox(new MqttOutboxOptions
        {
            Directory = string.IsNullOrWhiteSpace(outbox.Directory) ? Path.Combine(options.StateDirectory!, "outbox") : outbox.Directory,
            MaxMessages = outbox.MaxMessages,
            MaxBytes = outbox.MaxBytes,
        });
    }

    public SequenceCounter Sequence { get; }

    public MqttOutbox Outbox { get; }

    /// <summary>The command subscription, or null without commands.</summary>
    public string? CommandFilter => _intake?.Filter;

    /// <summary>The packet limit announced on CONNECT: the setting, else the router's largest request plus MQTT's own fields.</summary>
    public int MaxPacketBytes => _options.MaxPacketBytes ?? _intake?.MaxPacketBytes ?? MqttConnectionOptions.DefaultMaxPacketBytes;

    public void UseCommands(CommandRouter router) => _intake = new CommandIntake(router);

    public void Start()
    {
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
        if (_intake is { } intake)
        {
            _dispatch = Task.Run(() => intake.RunAsync(PublishReplyAsync, _stop.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _intake?.Complete();
        try
        {
            await Task.WhenAll(_pump, _dispatch);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public MqttConnectRequest PrepareConnect()
    {
        // The death certificate is prepared at connect time (Sparkplug B's NDEATH); the broker publishes it, retained,
        // if the connection ends without a normal DISCONNECT. Like Sparkplug's bdSeq it carries the seq of the birth it
        // pairs with, so a will that is never sent leaves no gap, and a failed connect attempt reuses the number
        // instead of burning one.
        _birthSeq ??= Sequence.Next();
        var will = _birth() with { Schema = DeviceMessage.SchemaVersion, State = DeviceState.Offline, Versions = null, ExecutionProvider = null, Reason = "last-will", Seq = _birthSeq.Value, Ts = _time.GetUtcNow() };
        return new MqttConnectRequest
        {
            CleanStart = false,
            SessionExpiry = _options.SessionExpiry,
            MaxPacketBytes = MaxPacketBytes,
            // MQTT 5 §3.1.2.11.3: the broker sends at most this many unacknowledged QoS 1 requests; the rest wait there, not here.
            ReceiveMaximum = _intake is null ? null : CommandIntake.ReceiveMaximum,
            WillTopic = _statusTopic,
            WillPayload = ProtocolJson.Serialize(will),
        };
    }

    public async Task PublishBirthAsync(CancellationToken cancellationToken)
    {
        // Birth on every connect: whoever saw the will's "offline" learns the device is back (Sparkplug B's NBIRTH,
        // but retained so late subscribers see it too, MQTT 5 §3.3.1.3).
        var birth = _birth() with { Schema = DeviceMessage.SchemaVersion, State = DeviceState.Online, Reason = null, Seq = _birthSeq!.Value, Ts = _time.GetUtcNow() };
        await PublishStatusAsync(birth, cancellationToken);
        // Published: the next connect announces itself with a new number.
        _birthSeq = null;
    }

    /// <summary>The retained <c>offline</c> status of a clean shutdown; the normal DISCONNECT after it makes the broker drop the will.</summary>
    public Task PublishDeathAsync(CancellationToken cancellationToken) =>
        PublishStatusAsync(Stamp(_birth() with { State = DeviceState.Offline, Reason = "shutdown" }), cancellationToken);

    /// <summary>Takes a message on the device's <c>cmd/</c> subtree; false for any other topic.</summary>
    public async Task<bool> TryTakeCommandAsync(TransportMessage message, CancellationToken cancellationToken)
    {
        if (_intake is null || !_intake.IsCommandTopic(message.Topic))
        {
            return false;
        }

        // Every request on the device's cmd/ subtree (a bad name too) gets one reply; what the intake will not queue
        // (retained, too large, busy) is answered at once, before its body is copied.
        if (await _intake.OfferAsync(message, cancellationToken) is { } refusal)
        {
            await PublishReplyAsync(refusal, cancellationToken);
        }

        return true;
    }

    public (long Seq, bool Stored) Enqueue<T>(T message)
        where T : DeviceMessage
    {
        var (kind, messageClass) = message switch
        {
            TelemetryMessage => (TopicKind.Telemetry, MessageClass.Telemetry),
            InspectionEvent => (TopicKind.Events, MessageClass.Event),
            TrainingProgressMessage => (TopicKind.Training, MessageClass.Event),
            TrainingResult => (TopicKind.Training, MessageClass.Critical),
            FitProgress => (TopicKind.Training, MessageClass.Event),
            FitResult => (TopicKind.Training, MessageClass.Critical),
            _ => throw new ArgumentException($"{typeof(T).Name} does not go through the outbox (status and replies are published directly).", nameof(message)),
        };
        var topic = DeviceTopic.For(_options.Fleet, _options.DeviceId!, kind).ToString();
        // seq and the queue position are taken together, so the outbox order is the seq order.
        lock (_enqueueLock)
        {
            var stamped = Stamp(message);
            return (stamped.Seq, Outbox.Enqueue(topic, ProtocolJson.Serialize(stamped), messageClass));
        }
    }

    public T Stamp<T>(T message)
        where T : DeviceMessage =>
        message with { Schema = DeviceMessage.SchemaVersion, Seq = Sequence.Next(), Ts = _time.GetUtcNow() };

    public void Dispose()
    {
        Outbox.Dispose();
        Sequence.Dispose();
        _stop.Dispose();
    }

    private async Task PublishStatusAsync(StatusMessage status, CancellationToken cancellationToken)
    {
        var outcome = await _transport.PublishAsync(_statusTopic, ProtocolJson.Serialize(status), new PublishSettings { Retain = true }, cancellationToken);
        outcome.ThrowIfRefused(_options, _statusTopic);
    }

    private async Task PublishReplyAsync(CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        var reply = Stamp(dispatch.Reply);
        MqttLog.CommandHandled(_logger, reply.Command, reply.Ok ? "ok" : $"{reply.Error!.Code}: {reply.Error.Message.TrimEnd('.')}");
        try
        {
            var outcome = await _transport.PublishAsync(dispatch.ReplyTopic, ProtocolJson.Serialize(reply), new PublishSettings { CorrelationData = dispatch.CorrelationData }, cancellationToken);
            outcome.ThrowIfRefused(_options, dispatch.ReplyTopic);
        }
        catch (BrokerConnectionException ex)
        {
            MqttLog.ReplyFailed(_logger, ex, dispatch.ReplyTopic);
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Outbox.WaitForMessageAsync(cancellationToken);
                await _transport.WaitConnectedAsync(cancellationToken);
                if (!Outbox.TryPeek(out var message))
                {
                    continue;
                }

                var outcome = await _transport.PublishAsync(message.Topic, message.Payload, new PublishSettings { Retain = message.Retain }, cancellationToken);
                if (outcome.Refusal is { } refusal)
                {
                    // A refusal (not authorized, quota) will not change by resending; keep the queue moving.
                    MqttLog.OutboxRejected(_logger, message.Topic, refusal);
                }

                // The PUBACK arrived (MQTT 5 §4.3.2): the broker owns the message now.
                Outbox.Remove(message.Id);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is BrokerConnectionException or OperationCanceledException)
            {
                // Lost the connection mid-publish: the message stays first in the queue and is resent (with DUP
                // semantics left to the new session) once the reconnect loop is through.
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
            }
        }
    }
}
