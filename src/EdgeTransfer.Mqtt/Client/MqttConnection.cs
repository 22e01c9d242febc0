using System.Buffers;
using System.Collections.Concurrent;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Outbox;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// One MQTT 5 connection of protocol v1 (MQTTnet underneath), for a device or for the fleet side.
/// It reconnects by itself with exponential back-off and jitter, so the caller never waits for the broker.
/// </summary>
/// <remarks>
/// <para><b>Device</b>: persistent session (clean start off, session expiry, MQTT 5 §3.1.2.4 and
/// §3.1.2.11.2) so commands queued while away arrive; last will = retained <c>offline</c> status (§3.1.2.5);
/// a retained <c>online</c> birth on every (re)connect; commands on <c>cmd/+</c> go to the
/// <see cref="CommandRouter"/> and every request gets one reply; telemetry, events and training go
/// through the on-disk <see cref="MqttOutbox"/> and are published in order with QoS 1 once connected.
/// Every device message carries the next number of the persisted <see cref="SequenceCounter"/>.</para>
/// <para><b>Fleet</b>: subscriptions (optionally MQTT 5 shared, §4.8.2) and request/response commands
/// matched by correlation data (§4.10).</para>
/// <para>Ownership: the connection owns its MQTTnet client, its outbox and its sequence counter; it does
/// not own the router or handlers it is given.</para>
/// </remarks>
public sealed class MqttConnection : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _enqueueLock = new();
    private readonly ConcurrentDictionary<string, byte> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandReplyMessage>> _pending = new(StringComparer.Ordinal);
    private readonly string _clientId;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CommandIntake? _intake;
    private Task _run = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private Task _dispatch = Task.CompletedTask;
    private long? _birthSeq;
    private long _connectCount;
    private int _started;
    private int _disposed;

    /// <summary>Creates the connection (nothing is sent until <see cref="StartAsync"/>).</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <param name="timeProvider">The clock for <c>ts</c> and back-off delays, or null for the system clock.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used.</exception>
    public MqttConnection(MqttConnectionOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        MqttConnectionOptionsValidator.Validate(options);
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _backoff = new ReconnectBackoff(options.ReconnectMinDelay, options.ReconnectMaxDelay);
        _clientId = options.ClientId ?? (options.Role == ConnectionRole.Device
            ? $"et-{options.Fleet}-{options.DeviceId}"
            : $"et-fleet-{Guid.NewGuid():N}"[..17]);
        if (options.Role == ConnectionRole.Device)
        {
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

        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>The settings.</summary>
    public MqttConnectionOptions Options { get; }

    /// <summary>Whether the client is connected now.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Successful connects so far (each one published a birth, for devices).</summary>
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <summary>
    /// The largest packet this client takes (announced on CONNECT, MQTT 5 §3.1.2.11.4): <see cref="MqttConnectionOptions.MaxPacketBytes"/>
    /// when set, else for a device with commands its router's largest request plus MQTT's own fields, else 16 MiB.
    /// </summary>
    public int MaxPacketBytes => Options.MaxPacketBytes ?? _intake?.MaxPacketBytes ?? MqttConnectionOptions.DefaultMaxPacketBytes;

    /// <summary>The device's sequence counter; null for the fleet role.</summary>
    public SequenceCounter? Sequence { get; }

    /// <summary>The device's outbox; null for the fleet role.</summary>
    public MqttOutbox? Outbox { get; }

    /// <summary>Devices: makes the birth announced on every connect (state, seq and ts are filled in). Default: versions unknown.</summary>
    public Func<StatusMessage> BirthProvider { get; set; } = static () => new StatusMessage();

    /// <summary>Called for every message of a subscription (except replies matched to <see cref="SendCommandAsync"/>); exceptions are logged.</summary>
    public Func<ReceivedMessage, Task>? MessageHandler { get; set; }

    /// <summary>Devices: routes <c>cmd/+</c> requests to <paramref name="router"/>. Call before <see cref="StartAsync"/>.</summary>
    /// <param name="router">The router (not owned).</param>
    public void UseCommands(CommandRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (Options.Role != ConnectionRole.Device || router.Fleet != Options.Fleet || router.Device != Options.DeviceId)
        {
            throw new InvalidOperationException($"The router is for {router.Fleet}/{router.Device}; this connection is {Options.Role} {Options.Fleet}/{Options.DeviceId}.");
        }

        if (Volatile.Read(ref _started) != 0)
        {
            throw new InvalidOperationException("UseCommands must be called before StartAsync.");
        }

        _intake = new CommandIntake(router);
        _subscriptions.TryAdd(_intake.Filter, 0);
    }

    /// <summary>
    /// Starts the connect/reconnect loop (and, for devices, the outbox pump and command dispatch) and
    /// returns at once: a device keeps working while the broker is unreachable. Use
    /// <see cref="WaitConnectedAsync"/> to wait for the first connection.
    /// </summary>
    /// <param name="cancellationToken">Unused beyond the call; <see cref="DisposeAsync"/> stops the loops.</param>
    /// <exception cref="InvalidSettingException">The password file, CA file or client certificate cannot be read.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        // A wrong path fails here, where the caller sees it, not only in the background reconnect loop.
        MqttCredentials.CheckReadable(Options);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The connection is started already.");
        }

        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        if (Outbox is not null)
        {
            _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
        }

        if (_intake is { } intake)
        {
            _dispatch = Task.Run(() => intake.RunAsync(PublishReplyAsync, _stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Completes when the connection is up (and, for devices, the birth is published).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Devices: stamps <paramref name="message"/> with the next <c>seq</c> and the time, and stores it in
    /// the outbox for in-order QoS 1 delivery. Works while the broker is away.
    /// </summary>
    /// <typeparam name="T"><see cref="TelemetryMessage"/>, <see cref="InspectionEvent"/>, <see cref="TrainingProgressMessage"/>, <see cref="TrainingResult"/>, <see cref="FitProgress"/> or <see cref="FitResult"/>.</typeparam>
    /// <param name="message">The message (its <c>seq</c> and <c>ts</c> are replaced).</param>
    /// <returns>The sequence number given, and whether the outbox stored it (false: full of more important messages; counted).</returns>
    public (long Seq, bool Stored) Enqueue<T>(T message)
        where T : DeviceMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Outbox is null || Sequence is null)
        {
            throw new InvalidOperationException("Only a device connection has an outbox.");
        }

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
        var topic = DeviceTopic.For(Options.Fleet, Options.DeviceId!, kind).ToString();
        // seq and the queue position are taken together, so the outbox order is the seq order.
        lock (_enqueueLock)
        {
            var stamped = Stamp(message);
            return (stamped.Seq, Outbox.Enqueue(topic, ProtocolJson.Serialize(stamped), messageClass));
        }
    }

    /// <summary>Publishes raw bytes now; fails if not connected (use <see cref="Enqueue{T}"/> for messages that must survive an outage).</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="settings">QoS, retain and MQTT 5 properties; null for QoS 1 JSON.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <exception cref="BrokerConnectionException">Not connected, or the broker refused the message.</exception>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, PublishSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        settings ??= new PublishSettings();
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(settings.AtLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .WithRetainFlag(settings.Retain);
        if (settings.ContentType is { } contentType)
        {
            builder = builder.WithContentType(contentType);
        }

        if (settings.ResponseTopic is { } responseTopic)
        {
            builder = builder.WithResponseTopic(responseTopic);
        }

        if (settings.CorrelationData is { } correlation)
        {
            builder = builder.WithCorrelationData(correlation);
        }

        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(builder.Build(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new BrokerConnectionException(Options.Host, Options.Port, $"cannot publish on {topic}: {ex.Message}", ex);
        }

        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new BrokerConnectionException(Options.Host, Options.Port, $"refused the message on {topic} ({result.ReasonCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : ": " + result.ReasonString)}); check the ACL for this user.");
        }
    }

    /// <summary>Subscribes with QoS 1 now (if connected) and again after every reconnect.</summary>
    /// <param name="filter">The topic filter (a <see cref="TopicFilters"/> value).</param>
    /// <param name="cancellationToken">Stops waiting for the SUBACK.</param>
    /// <exception cref="BrokerConnectionException">The broker refused the subscription.</exception>
    public async Task SubscribeAsync(string filter, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        if (_subscriptions.TryAdd(filter, 0) && _client.IsConnected)
        {
            await SubscribeNowAsync(filter, cancellationToken);
        }
    }

    /// <summary>Fleet: subscribes to one kind of message from every device of the fleet, shared by <see cref="MqttConnectionOptions.SharedSubscriptionGroup"/> when set.</summary>
    /// <param name="kind">Status, telemetry, events or training (replies are matched by <see cref="SendCommandAsync"/>).</param>
    /// <param name="cancellationToken">Stops waiting for the SUBACK.</param>
    /// <remarks>
    /// A shared subscription gets no retained messages when it is made (MQTT 5 §3.3.1.3): a consumer that needs the
    /// current <c>status</c> of every device on start (the fleet list) subscribes to it without a group.
    /// </remarks>
    public Task SubscribeFleetAsync(TopicKind kind, CancellationToken cancellationToken = default)
    {
        var filter = TopicFilters.AllDevices(Options.Fleet, kind);
        return SubscribeAsync(Options.SharedSubscriptionGroup is { } group ? TopicFilters.Shared(group, filter) : filter, cancellationToken);
    }

    /// <summary>
    /// Fleet: sends <c>cmd/{name}</c> to <paramref name="device"/> with a response topic and fresh correlation
    /// data (MQTT 5 §4.10) and waits for the reply.
    /// </summary>
    /// <param name="device">The device id.</param>
    /// <param name="name">The command name.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">No reply in time (the device is offline or busy).</exception>
    public async Task<CommandReplyMessage> SendCommandAsync(string device, string name, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var topic = DeviceTopic.Command(Options.Fleet, device, name).ToString();
        var replyTopic = DeviceTopic.Reply(Options.Fleet, device, name).ToString();
        // Replies are never shared: the consumer that asked must be the one that hears the answer.
        await SubscribeAsync(TopicFilters.AllDevices(Options.Fleet, TopicKind.Reply), cancellationToken);
        var correlation = Guid.NewGuid().ToByteArray();
        var key = Convert.ToHexString(correlation);
        var pending = new TaskCompletionSource<CommandReplyMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = pending;
        try
        {
            await PublishAsync(topic, body, new PublishSettings { ResponseTopic = replyTopic, CorrelationData = correlation }, cancellationToken);
            return await pending.Task.WaitAsync(timeout, _time, cancellationToken);
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

    /// <summary>Fleet: <see cref="SendCommandAsync(string, string, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/> with a typed request.</summary>
    /// <typeparam name="TRequest">A request registered in <see cref="ProtocolJsonContext"/>.</typeparam>
    /// <param name="device">The device id.</param>
    /// <param name="name">The command name.</param>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task<CommandReplyMessage> SendCommandAsync<TRequest>(string device, string name, TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TRequest : CommandRequest =>
        SendCommandAsync(device, name, ProtocolJson.Serialize(request), timeout, cancellationToken);

    /// <summary>
    /// Stops reconnecting and disconnects cleanly. A device first publishes its retained <c>offline</c>
    /// status; a normal DISCONNECT then makes the broker discard the last will (MQTT 5 §3.1.2.5).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _stop.CancelAsync();
        await WhenStoppedAsync();
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            if (Options.Role == ConnectionRole.Device)
            {
                var death = Stamp(BirthProvider() with { State = DeviceState.Offline, Reason = "shutdown" });
                await PublishAsync(StatusTopic(), ProtocolJson.Serialize(death), new PublishSettings { Retain = true }, cancellationToken);
            }
        }
        finally
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }
    }

    /// <summary>Disconnects cleanly if connected, stops the loops and releases the client, outbox and counter. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await DisconnectAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is BrokerConnectionException or MqttCommunicationException or OperationCanceledException)
        {
            MqttLog.Disconnected(_logger, "no clean disconnect on dispose: " + ex.Message);
        }

        _client.Dispose();
        Outbox?.Dispose();
        Sequence?.Dispose();
        _stop.Dispose();
    }

    private async Task WhenStoppedAsync()
    {
        _intake?.Complete();
        try
        {
            await Task.WhenAll(_run, _pump, _dispatch);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private T Stamp<T>(T message)
        where T : DeviceMessage =>
        message with { Schema = DeviceMessage.SchemaVersion, Seq = Sequence?.Next() ?? 0, Ts = _time.GetUtcNow() };

    private string StatusTopic() => DeviceTopic.For(Options.Fleet, Options.DeviceId!, TopicKind.Status).ToString();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _disconnected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await ConnectOnceAsync(cancellationToken);
                _backoff.Reset();
                await Volatile.Read(ref _disconnected).Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var delay = _backoff.NextDelay();
                if (ex is BrokerConnectionException or InvalidSettingException)
                {
                    // Refused or misconfigured: retrying alone will not help, someone has to act.
                    MqttLog.ConnectRefused(_logger, ex, Options.Host, Options.Port, ex is BrokerConnectionException refused ? refused.Reason : ex.Message, delay);
                }
                else
                {
                    MqttLog.ConnectFailed(_logger, ex, Options.Host, Options.Port, delay);
                }

                ResetConnected();
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout);
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(BuildClientOptions(), timeout.Token);
        }
        catch (MqttConnectingFailedException ex)
        {
            throw new BrokerConnectionException(Options.Host, Options.Port, $"broke off the connection while it was being set up ({ex.Message}); check the port, TLS settings and the broker's log.", ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            // MQTT 5 §3.2.2.2: a CONNACK reason code of 0x80 or more refuses the connection.
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }

            throw new BrokerConnectionException(Options.Host, Options.Port, MqttCredentials.DescribeRefusal(Options, result.ResultCode, result.ReasonString));
        }

        // Subscriptions before the birth: a fleet tool that reacts to the birth with a command must find
        // the device already listening on cmd/+. With a present session the broker kept the subscriptions
        // (§3.2.2.1.1); subscribing again is harmless and covers a broker that lost its state.
        foreach (var filter in _subscriptions.Keys)
        {
            await SubscribeNowAsync(filter, timeout.Token);
        }

        if (Options.Role == ConnectionRole.Device)
        {
            // Birth on every connect: whoever saw the will's "offline" learns the device is back
            // (Sparkplug B's NBIRTH, but retained so late subscribers see it too, MQTT 5 §3.3.1.3).
            var birth = BirthProvider() with { Schema = DeviceMessage.SchemaVersion, State = DeviceState.Online, Reason = null, Seq = _birthSeq!.Value, Ts = _time.GetUtcNow() };
            await PublishAsync(StatusTopic(), ProtocolJson.Serialize(birth), new PublishSettings { Retain = true }, timeout.Token);
            // Published: the next connect announces itself with a new number.
            _birthSeq = null;
        }

        Interlocked.Increment(ref _connectCount);
        MqttLog.Connected(_logger, Options.Host, Options.Port, _clientId, result.IsSessionPresent);
        Volatile.Read(ref _connected).TrySetResult();
    }

    private async Task SubscribeNowAsync(string filter, CancellationToken cancellationToken)
    {
        // Commands are never taken from retained messages (MQTT 5 §3.3.1.3): the broker would hand a retained
        // request out again on every subscribe, i.e. on every reconnect. Status and the like keep them.
        var retain = filter == _intake?.Filter ? MqttRetainHandling.DoNotSendOnSubscribe : MqttRetainHandling.SendAtSubscribe;
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainHandling(retain))
            .Build();
        var result = await _client.SubscribeAsync(options, cancellationToken);
        foreach (var item in result.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new BrokerConnectionException(Options.Host, Options.Port, $"refused the subscription to {filter} ({item.ResultCode}); check the ACL for this user.");
            }
        }
    }

    private MqttClientOptions BuildClientOptions()
    {
        var persistent = Options.Role == ConnectionRole.Device || Options.ClientId is not null;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Options.Host, Options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_clientId)
            .WithKeepAlivePeriod(Options.KeepAlive)
            .WithTimeout(Options.ConnectTimeout)
            .WithMaximumPacketSize((uint)MaxPacketBytes)
            .WithCleanStart(!persistent)
            .WithSessionExpiryInterval(persistent ? (uint)Options.SessionExpiry.TotalSeconds : 0);
        if (_intake is not null)
        {
            // MQTT 5 §3.1.2.11.3: the broker sends at most this many unacknowledged QoS 1 requests; the rest wait there, not here.
            builder = builder.WithReceiveMaximum(CommandIntake.ReceiveMaximum);
        }

        if (Options.Username is { } user)
        {
            builder = Options.PasswordFile is { } passwordFile
                ? builder.WithCredentials(user, MqttCredentials.ReadPassword(passwordFile))
                : builder.WithCredentials(user, (string?)null);
        }

        if (Options.Tls is { } tls)
        {
            builder = builder.WithTlsOptions(MqttCredentials.BuildTls(tls, Options.Host));
        }

        if (Options.Role == ConnectionRole.Device)
        {
            // The death certificate is prepared at connect time (Sparkplug B's NDEATH); the broker publishes
            // it, retained, if the connection ends without a normal DISCONNECT. Like Sparkplug's bdSeq it
            // carries the seq of the birth it pairs with, so a will that is never sent leaves no gap, and a
            // failed connect attempt reuses the number instead of burning one.
            _birthSeq ??= Sequence!.Next();
            var will = BirthProvider() with { Schema = DeviceMessage.SchemaVersion, State = DeviceState.Offline, Versions = null, ExecutionProvider = null, Reason = "last-will", Seq = _birthSeq.Value, Ts = _time.GetUtcNow() };
            builder = builder
                .WithWillTopic(StatusTopic())
                .WithWillPayload(ProtocolJson.Serialize(will))
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithWillContentType(ProtocolJson.ContentType);
        }

        return builder.Build();
    }

    private void ResetConnected()
    {
        if (Volatile.Read(ref _connected).Task.IsCompleted)
        {
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        if (args.ClientWasConnected)
        {
            ResetConnected();
            MqttLog.Disconnected(_logger, args.Reason.ToString());
        }

        Volatile.Read(ref _disconnected).TrySetResult();
        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (_intake is not null && _intake.IsCommandTopic(message.Topic))
        {
            // Every request on the device's cmd/ subtree (a bad name too) gets one reply; what the intake
            // will not queue (retained, too large, busy) is answered at once, before its body is copied.
            if (await _intake.OfferAsync(message, _stop.Token) is { } refusal)
            {
                await PublishReplyAsync(refusal, _stop.Token);
            }

            return;
        }

        var payload = message.Payload.ToArray();
        // A bare null here would become an empty but present ReadOnlyMemory (via the byte[] conversion); keep "absent" absent.
        ReadOnlyMemory<byte>? correlation = message.CorrelationData is { Length: > 0 } c ? new ReadOnlyMemory<byte>(c) : (ReadOnlyMemory<byte>?)null;

        if (correlation is { } data && _pending.TryRemove(Convert.ToHexString(data.Span), out var waiter))
        {
            try
            {
                waiter.TrySetResult(ProtocolJson.Deserialize<CommandReplyMessage>(payload));
            }
            catch (System.Text.Json.JsonException ex)
            {
                waiter.TrySetException(new EdgeTransferException($"The reply on {message.Topic} is not a v1 command reply: {ex.Message}", ex));
            }

            // No return: a reply also carries the device's seq, and an observer that tracks sequence
            // numbers (the fleet view) would otherwise count every answered command as a lost message.
        }

        if (MessageHandler is { } handler)
        {
            try
            {
                await handler(new ReceivedMessage
                {
                    Topic = message.Topic,
                    DeviceTopic = DeviceTopic.TryParse(message.Topic, out var parsed) ? parsed : null,
                    Payload = payload,
                    Retain = message.Retain,
                    CorrelationData = correlation,
                    ResponseTopic = message.ResponseTopic,
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                MqttLog.HandlerFailed(_logger, ex, message.Topic);
            }
        }
    }

    private async Task PublishReplyAsync(CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        var reply = Stamp(dispatch.Reply);
        MqttLog.CommandHandled(_logger, reply.Command, reply.Ok ? "ok" : $"{reply.Error!.Code}: {reply.Error.Message}");
        try
        {
            await PublishAsync(dispatch.ReplyTopic, ProtocolJson.Serialize(reply), new PublishSettings { CorrelationData = dispatch.CorrelationData }, cancellationToken);
        }
        catch (BrokerConnectionException ex)
        {
            MqttLog.ReplyFailed(_logger, ex, dispatch.ReplyTopic);
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var outbox = Outbox!;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await outbox.WaitForMessageAsync(cancellationToken);
                await WaitConnectedAsync(cancellationToken);
                if (!outbox.TryPeek(out var message))
                {
                    continue;
                }

                var result = await _client.PublishAsync(
                    new MqttApplicationMessageBuilder()
                        .WithTopic(message.Topic)
                        .WithPayload(message.Payload)
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithRetainFlag(message.Retain)
                        .WithContentType(ProtocolJson.ContentType)
                        .Build(),
                    cancellationToken);
                if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    // A refusal (not authorized, quota) will not change by resending; keep the queue moving.
                    MqttLog.OutboxRejected(_logger, message.Topic, result.ReasonCode.ToString());
                }

                // The PUBACK arrived (MQTT 5 §4.3.2): the broker owns the message now.
                outbox.Remove(message.Id);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or OperationCanceledException)
            {
                // Lost the connection mid-publish: the message stays first in the queue and is resent
                // (with DUP semantics left to the new session) once the reconnect loop is through.
                ResetConnectedIfDown();
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
            }
        }
    }

    private void ResetConnectedIfDown()
    {
        if (!_client.IsConnected)
        {
            ResetConnected();
        }
    }
}
