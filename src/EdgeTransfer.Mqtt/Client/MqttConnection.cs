using System.Buffers;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Outbox;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// One MQTT 5 connection of protocol v1, for a device or for the fleet side: a transport (<see cref="IMqttTransport"/>,
/// MQTTnet by default) that connects and reconnects by itself with back-off, so the caller never waits for the
/// broker, and the role's session on top of it.
/// </summary>
/// <remarks>
/// <para><b>Device</b>: persistent session, retained birth on every connect and last will <c>offline</c>, commands on
/// <c>cmd/+</c> to the <see cref="CommandRouter"/> with one reply per request, telemetry, events and training through
/// the on-disk <see cref="MqttOutbox"/> in <c>seq</c> order (see the device session in <c>Client/DeviceSession.cs</c>).</para>
/// <para><b>Fleet</b>: subscriptions (optionally MQTT 5 shared, §4.8.2) and request/response commands matched by
/// correlation data (§4.10) (<c>Client/FleetSession.cs</c>).</para>
/// <para>Ownership: the connection owns its transport (also one it is given), its outbox and its sequence counter; it
/// does not own the router or handlers it is given.</para>
/// </remarks>
public sealed class MqttConnection : IMqttTransportHandler, IAsyncDisposable
{
    private readonly IMqttTransport _transport;
    private readonly ILogger _logger;
    private readonly DeviceSession? _device;
    private readonly FleetSession? _fleet;
    private int _started;
    private int _disposed;

    /// <summary>Creates the connection over MQTTnet (nothing is sent until <see cref="StartAsync"/>).</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <param name="timeProvider">The clock for <c>ts</c> and back-off delays, or null for the system clock.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used.</exception>
    public MqttConnection(MqttConnectionOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(options, new MqttNetTransport(options, logger, timeProvider), logger, timeProvider)
    {
    }

    /// <summary>Creates the connection over <paramref name="transport"/> (an in-memory one in tests).</summary>
    /// <param name="options">The settings; validated here. The transport's own settings are its business.</param>
    /// <param name="transport">The transport, not started yet; owned from now on.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <param name="timeProvider">The clock for <c>ts</c>, or null for the system clock.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used.</exception>
    public MqttConnection(MqttConnectionOptions options, IMqttTransport transport, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        MqttConnectionOptionsValidator.Validate(options);
        Options = options;
        _transport = transport;
        _logger = logger ?? NullLogger.Instance;
        var time = timeProvider ?? TimeProvider.System;
        if (options.Role == ConnectionRole.Device)
        {
            _device = new DeviceSession(options, transport, () => BirthProvider(), _logger, time);
        }
        else
        {
            _fleet = new FleetSession(options, transport, time);
        }
    }

    /// <summary>The settings.</summary>
    public MqttConnectionOptions Options { get; }

    /// <summary>Whether the client is connected now.</summary>
    public bool IsConnected => _transport.IsConnected;

    /// <summary>Successful connects so far (each one published a birth, for devices).</summary>
    public long ConnectCount => _transport.ConnectCount;

    /// <summary>
    /// The largest packet this client takes (announced on CONNECT, MQTT 5 §3.1.2.11.4): <see cref="MqttConnectionOptions.MaxPacketBytes"/>
    /// when set, else for a device with commands its router's largest request plus MQTT's own fields, else 16 MiB.
    /// </summary>
    public int MaxPacketBytes => _device?.MaxPacketBytes ?? Options.MaxPacketBytes ?? MqttConnectionOptions.DefaultMaxPacketBytes;

    /// <summary>The device's sequence counter; null for the fleet role.</summary>
    public SequenceCounter? Sequence => _device?.Sequence;

    /// <summary>The device's outbox; null for the fleet role.</summary>
    public MqttOutbox? Outbox => _device?.Outbox;

    /// <summary>Devices: makes the birth announced on every connect (state, seq and ts are filled in). Default: versions unknown.</summary>
    public Func<StatusMessage> BirthProvider { get; set; } = static () => new StatusMessage();

    /// <summary>Called for every message of a subscription (except requests to a device's router); exceptions are logged.</summary>
    public Func<ReceivedMessage, Task>? MessageHandler { get; set; }

    /// <summary>Devices: routes <c>cmd/+</c> requests to <paramref name="router"/>. Call before <see cref="StartAsync"/>.</summary>
    /// <param name="router">The router (not owned).</param>
    public void UseCommands(CommandRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (_device is null || router.Fleet != Options.Fleet || router.Device != Options.DeviceId)
        {
            throw new InvalidOperationException($"The router is for {router.Fleet}/{router.Device}; this connection is {Options.Role} {Options.Fleet}/{Options.DeviceId}.");
        }

        if (Volatile.Read(ref _started) != 0)
        {
            throw new InvalidOperationException("UseCommands must be called before StartAsync.");
        }

        _device.UseCommands(router);
    }

    /// <summary>
    /// Starts the connect/reconnect loop (and, for devices, the outbox pump and command dispatch) and
    /// returns at once: a device keeps working while the broker is unreachable. Use
    /// <see cref="WaitConnectedAsync"/> to wait for the first connection.
    /// </summary>
    /// <param name="cancellationToken">Unused beyond the call; <see cref="DisposeAsync"/> stops the loops.</param>
    /// <exception cref="InvalidSettingException">The password file, CA file or client certificate cannot be read.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_device?.CommandFilter is { } commands)
        {
            // Commands are never taken from retained messages (MQTT 5 §3.3.1.3): the broker would hand a retained
            // request out again on every subscribe, i.e. on every reconnect.
            await _transport.SubscribeAsync(commands, sendRetained: false, cancellationToken);
        }

        _transport.Start(this);
        Volatile.Write(ref _started, 1);
        _device?.Start();
    }

    /// <summary>Completes when the connection is up (and, for devices, the birth is published).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _transport.WaitConnectedAsync(cancellationToken);

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
        return _device is null ? throw new InvalidOperationException("Only a device connection has an outbox.") : _device.Enqueue(message);
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
        var outcome = await _transport.PublishAsync(topic, payload, settings ?? new PublishSettings(), cancellationToken);
        outcome.ThrowIfRefused(Options, topic);
    }

    /// <summary>Subscribes with QoS 1 now (if connected) and again after every reconnect.</summary>
    /// <param name="filter">The topic filter (a <see cref="TopicFilters"/> value).</param>
    /// <param name="cancellationToken">Stops waiting for the SUBACK.</param>
    /// <exception cref="BrokerConnectionException">The broker refused the subscription.</exception>
    public Task SubscribeAsync(string filter, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        return _transport.SubscribeAsync(filter, sendRetained: filter != _device?.CommandFilter, cancellationToken);
    }

    /// <summary>Fleet: subscribes to one kind of message from every device of the fleet, shared by <see cref="MqttConnectionOptions.SharedSubscriptionGroup"/> when set.</summary>
    /// <param name="kind">Status, telemetry, events or training (replies are matched by <see cref="SendCommandAsync"/>).</param>
    /// <param name="cancellationToken">Stops waiting for the SUBACK.</param>
    /// <remarks>
    /// A shared subscription gets no retained messages when it is made (MQTT 5 §3.3.1.3): a consumer that needs the
    /// current <c>status</c> of every device on start (the fleet list) subscribes to it without a group.
    /// </remarks>
    public Task SubscribeFleetAsync(TopicKind kind, CancellationToken cancellationToken = default) =>
        SubscribeAsync(Fleet().FleetFilter(kind), cancellationToken);

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
    public Task<CommandReplyMessage> SendCommandAsync(string device, string name, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Fleet().SendCommandAsync(device, name, body, timeout, cancellationToken);

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
        if (_device is not null)
        {
            await _device.StopAsync();
        }

        await _transport.DisconnectAsync(cancellationToken);
    }

    /// <summary>Disconnects cleanly if connected, stops the loops and releases the transport, outbox and counter. Idempotent.</summary>
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
        catch (Exception ex) when (ex is BrokerConnectionException or OperationCanceledException)
        {
            MqttLog.Disconnected(_logger, "no clean disconnect on dispose: " + ex.Message);
        }

        await _transport.DisposeAsync();
        _device?.Dispose();
    }

    /// <inheritdoc />
    MqttConnectRequest IMqttTransportHandler.PrepareConnect() => _device?.PrepareConnect() ?? Fleet().PrepareConnect();

    /// <inheritdoc />
    Task IMqttTransportHandler.OnConnectedAsync(CancellationToken cancellationToken) =>
        _device?.PublishBirthAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    Task IMqttTransportHandler.OnDisconnectingAsync(CancellationToken cancellationToken) =>
        _device?.PublishDeathAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    async Task IMqttTransportHandler.OnMessageAsync(TransportMessage message, CancellationToken cancellationToken)
    {
        if (_device is not null && await _device.TryTakeCommandAsync(message, cancellationToken))
        {
            return;
        }

        var received = new ReceivedMessage
        {
            Topic = message.Topic,
            DeviceTopic = DeviceTopic.TryParse(message.Topic, out var parsed) ? parsed : null,
            Payload = message.Payload.ToArray(),
            Retain = message.Retain,
            CorrelationData = message.CorrelationData,
            ResponseTopic = message.ResponseTopic,
        };
        // No return after a matched reply: a reply also carries the device's seq, and an observer that tracks sequence
        // numbers (the fleet view) would otherwise count every answered command as a lost message.
        _fleet?.MatchReply(received);
        if (MessageHandler is { } handler)
        {
            try
            {
                await handler(received);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                MqttLog.HandlerFailed(_logger, ex, message.Topic);
            }
        }
    }

    private FleetSession Fleet() =>
        _fleet ?? throw new InvalidOperationException($"This is the device connection of {Options.Fleet}/{Options.DeviceId}; only a fleet connection sends commands and watches the fleet.");
}
