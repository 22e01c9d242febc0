using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// The MQTT 5 transport on MQTTnet: connects with the settings of <see cref="MqttConnectionOptions"/> (TLS, password
/// file read at every connect), reconnects by itself with exponential back-off and jitter, makes every subscription
/// again after a reconnect, and wraps MQTTnet's errors in <see cref="BrokerConnectionException"/>.
/// </summary>
/// <remarks>Ownership: owns its MQTTnet client; not the handler it is started with.</remarks>
public sealed class MqttNetTransport : IMqttTransport
{
    private readonly IMqttClient _client;
    private readonly MqttConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, bool> _subscriptions = new(StringComparer.Ordinal);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IMqttTransportHandler? _handler;
    private Task _run = Task.CompletedTask;
    private long _connectCount;
    private int _disposed;

    /// <summary>Creates the transport (nothing is sent until <see cref="Start"/>).</summary>
    /// <param name="options">Broker address, credentials, TLS, timeouts; validated here.</param>
    /// <param name="logger">Where to log connects and losses, or null.</param>
    /// <param name="timeProvider">The clock of back-off delays, or null for the system clock.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used.</exception>
    public MqttNetTransport(MqttConnectionOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        MqttConnectionOptionsValidator.Validate(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _backoff = new ReconnectBackoff(options.ReconnectMinDelay, options.ReconnectMaxDelay);
        ClientId = options.ClientId ?? (options.Role == ConnectionRole.Device
            ? $"et-{options.Fleet}-{options.DeviceId}"
            : $"et-fleet-{Guid.NewGuid():N}"[..17]);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>The MQTT client id: the configured one, <c>et-{fleet}-{device}</c> for a device, or a random <c>et-fleet-…</c>.</summary>
    public string ClientId { get; }

    /// <inheritdoc />
    public bool IsConnected => _client.IsConnected;

    /// <inheritdoc />
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <inheritdoc />
    public void Start(IMqttTransportHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // A wrong path fails here, where the caller sees it, not only in the background reconnect loop.
        MqttCredentials.CheckReadable(_options);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The transport is started already.");
        }

        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(string topic, ReadOnlyMemory<byte> payload, PublishSettings settings, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(settings);
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
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // MQTTnet reports a lost link as MqttCommunicationException, InvalidOperationException (not connected)
            // or its own timeout; to the session they all mean "not delivered, try again after the reconnect".
            ResetConnectedIfDown();
            throw new BrokerConnectionException(_options.Host, _options.Port, $"cannot publish on {topic}: {ex.Message}", ex);
        }

        return result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers
            ? PublishOutcome.Accepted
            : new PublishOutcome($"{result.ReasonCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : ": " + result.ReasonString)}");
    }

    /// <inheritdoc />
    public async Task SubscribeAsync(string filter, bool sendRetained, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        if (_subscriptions.TryAdd(filter, sendRetained) && _client.IsConnected)
        {
            await SubscribeNowAsync(filter, sendRetained, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            if (_handler is { } handler)
            {
                await handler.OnDisconnectingAsync(cancellationToken);
            }
        }
        finally
        {
            await DisconnectClientAsync(cancellationToken);
        }
    }

    /// <summary>Stops reconnecting and releases the client without a DISCONNECT (call <see cref="DisconnectAsync"/> first for a clean one). Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task DisconnectClientAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
        }
        catch (MqttCommunicationException ex)
        {
            throw new BrokerConnectionException(_options.Host, _options.Port, "the link broke during the disconnect: " + ex.Message, ex);
        }
    }

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
                    MqttLog.ConnectRefused(_logger, _options.Host, _options.Port, ex is BrokerConnectionException refused ? refused.Reason : ex.Message, delay.TotalSeconds);
                }
                else
                {
                    MqttLog.ConnectFailed(_logger, _options.Host, _options.Port, ConnectFailure.Describe(ex), delay.TotalSeconds);
                }

                MqttLog.ConnectAttemptDetail(_logger, ex, _options.Host, _options.Port);

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
        var handler = _handler!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(BuildClientOptions(handler.PrepareConnect()), timeout.Token);
        }
        catch (MqttConnectingFailedException ex)
        {
            throw new BrokerConnectionException(_options.Host, _options.Port, $"broke off the connection while it was being set up ({ex.Message}); check the port, TLS settings and the broker's log.", ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            // MQTT 5 §3.2.2.2: a CONNACK reason code of 0x80 or more refuses the connection.
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }

            throw new BrokerConnectionException(_options.Host, _options.Port, MqttCredentials.DescribeRefusal(_options, result.ResultCode, result.ReasonString));
        }

        // Subscriptions before the handler hears of the connect: a fleet tool that reacts to a device's birth with a
        // command must find the device already listening on cmd/+. With a present session the broker kept the
        // subscriptions (§3.2.2.1.1); subscribing again is harmless and covers a broker that lost its state.
        foreach (var (filter, sendRetained) in _subscriptions)
        {
            await SubscribeNowAsync(filter, sendRetained, timeout.Token);
        }

        await handler.OnConnectedAsync(timeout.Token);
        Interlocked.Increment(ref _connectCount);
        MqttLog.Connected(_logger, _options.Host, _options.Port, ClientId, result.IsSessionPresent);
        Volatile.Read(ref _connected).TrySetResult();
    }

    private async Task SubscribeNowAsync(string filter, bool sendRetained, CancellationToken cancellationToken)
    {
        var retain = sendRetained ? MqttRetainHandling.SendAtSubscribe : MqttRetainHandling.DoNotSendOnSubscribe;
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainHandling(retain))
            .Build();
        var result = await _client.SubscribeAsync(options, cancellationToken);
        foreach (var item in result.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new BrokerConnectionException(_options.Host, _options.Port, $"refused the subscription to {filter} ({item.ResultCode}); check the ACL for this user.");
            }
        }
    }

    private MqttClientOptions BuildClientOptions(MqttConnectRequest request)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ClientId)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout)
            .WithMaximumPacketSize((uint)request.MaxPacketBytes)
            .WithCleanStart(request.CleanStart)
            .WithSessionExpiryInterval((uint)request.SessionExpiry.TotalSeconds);
        if (request.ReceiveMaximum is { } receiveMaximum)
        {
            builder = builder.WithReceiveMaximum(receiveMaximum);
        }

        if (_options.Username is { } user)
        {
            builder = _options.PasswordFile is { } passwordFile
                ? builder.WithCredentials(user, MqttCredentials.ReadPassword(passwordFile))
                : builder.WithCredentials(user, (string?)null);
        }

        if (_options.Tls is { } tls)
        {
            builder = builder.WithTlsOptions(MqttCredentials.BuildTls(tls, _options.Host));
        }

        if (request.WillTopic is { } willTopic)
        {
            builder = builder
                .WithWillTopic(willTopic)
                .WithWillPayload(request.WillPayload.ToArray())
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithWillContentType(Protocol.ProtocolJson.ContentType);
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

    private void ResetConnectedIfDown()
    {
        if (!_client.IsConnected)
        {
            ResetConnected();
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

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (_handler is not { } handler)
        {
            return Task.CompletedTask;
        }

        return handler.OnMessageAsync(
            new TransportMessage
            {
                Topic = message.Topic,
                Payload = message.Payload,
                Retain = message.Retain,
                ResponseTopic = message.ResponseTopic,
                // A bare null here would become an empty but present ReadOnlyMemory (via the byte[] conversion); keep "absent" absent.
                CorrelationData = message.CorrelationData is { Length: > 0 } c ? new ReadOnlyMemory<byte>(c) : (ReadOnlyMemory<byte>?)null,
                ContentType = message.ContentType,
            },
            _stop.Token);
    }
}
