using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Testing.Mqtt;

/// <summary>
/// A client of an <see cref="InMemoryBroker"/>: connects (and reconnects after <see cref="Drop"/> or an outage) in the
/// background, makes its subscriptions again on every connect, and delivers messages to its handler one at a time
/// in the order the broker took them, like <see cref="MqttNetTransport"/> does over a socket.
/// </summary>
public sealed class InMemoryTransport : IMqttTransport
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);
    private readonly InMemoryBroker _broker;
    private readonly ConcurrentDictionary<string, bool> _subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<(InMemoryBroker.Delivery Message, bool Retained)> _inbox = Channel.CreateUnbounded<(InMemoryBroker.Delivery, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IMqttTransportHandler? _handler;
    private MqttConnectRequest? _request;
    private Task _run = Task.CompletedTask;
    private Task _deliver = Task.CompletedTask;
    private volatile bool _isConnected;
    private volatile bool _unplugged;
    private long _connectCount;
    private int _disposed;

    internal InMemoryTransport(InMemoryBroker broker, string clientId)
    {
        _broker = broker;
        ClientId = clientId;
    }

    /// <summary>The client id given by the test.</summary>
    public string ClientId { get; }

    /// <inheritdoc />
    public bool IsConnected => _isConnected;

    /// <inheritdoc />
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <summary>Whether this client's link is cut (its will is published) and stays cut until set false again.</summary>
    public bool Unplugged
    {
        get => _unplugged;
        set
        {
            _unplugged = value;
            if (value)
            {
                Drop();
            }
        }
    }

    internal IEnumerable<string> Filters => _isConnected ? _subscriptions.Keys : [];

    /// <inheritdoc />
    public void Start(IMqttTransportHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The transport is started already.");
        }

        _deliver = Task.Run(() => DeliverAsync(handler, _stop.Token), CancellationToken.None);
        _run = Task.Run(() => RunAsync(handler, _stop.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task<PublishOutcome> PublishAsync(string topic, ReadOnlyMemory<byte> payload, PublishSettings settings, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(settings);
        if (!_isConnected)
        {
            throw new BrokerConnectionException("in-memory", 0, $"cannot publish on {topic}: not connected");
        }

        _broker.Publish(topic, payload, settings);
        return Task.FromResult(PublishOutcome.Accepted);
    }

    /// <inheritdoc />
    public Task SubscribeAsync(string filter, bool sendRetained, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        if (_subscriptions.TryAdd(filter, sendRetained) && _isConnected && sendRetained)
        {
            _broker.SendRetained(this, filter);
        }

        return Task.CompletedTask;
    }

    /// <summary>Cuts this client's link without a DISCONNECT: the broker publishes its will, and it reconnects.</summary>
    public void Drop()
    {
        if (!_isConnected)
        {
            return;
        }

        _isConnected = false;
        Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _broker.Detach(this, _request);
        Volatile.Read(ref _lost).TrySetResult();
    }

    /// <inheritdoc />
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await WhenStoppedAsync();
        if (!_isConnected)
        {
            return;
        }

        try
        {
            await _handler!.OnDisconnectingAsync(cancellationToken);
        }
        finally
        {
            _isConnected = false;
            // A normal DISCONNECT: the broker discards the will (MQTT 5 §3.1.2.5).
            _broker.Detach(this, will: null);
        }
    }

    /// <summary>Stops reconnecting and leaves the broker without a DISCONNECT (its will is published). Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        Drop();
        await WhenStoppedAsync();
        _stop.Dispose();
    }

    internal void Deliver(InMemoryBroker.Delivery message, bool retained) => _inbox.Writer.TryWrite((message, retained));

    private async Task WhenStoppedAsync()
    {
        _inbox.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_run, _deliver);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync(IMqttTransportHandler handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _request = handler.PrepareConnect();
            if (_unplugged || !_broker.TryAttach(this))
            {
                await Task.Delay(RetryDelay, cancellationToken);
                continue;
            }

            _isConnected = true;
            foreach (var (filter, sendRetained) in _subscriptions)
            {
                if (sendRetained)
                {
                    _broker.SendRetained(this, filter);
                }
            }

            try
            {
                await handler.OnConnectedAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Drop();
                await Task.Delay(RetryDelay, cancellationToken);
                continue;
            }

            Interlocked.Increment(ref _connectCount);
            Volatile.Read(ref _connected).TrySetResult();
            await Volatile.Read(ref _lost).Task.WaitAsync(cancellationToken);
        }
    }

    private async Task DeliverAsync(IMqttTransportHandler handler, CancellationToken cancellationToken)
    {
        await foreach (var (message, retained) in _inbox.Reader.ReadAllAsync(cancellationToken))
        {
            var settings = message.Settings;
            await handler.OnMessageAsync(
                new TransportMessage
                {
                    Topic = message.Topic,
                    Payload = new ReadOnlySequence<byte>(message.Payload),
                    Retain = retained,
                    ResponseTopic = settings.ResponseTopic,
                    CorrelationData = settings.CorrelationData is { Length: > 0 } c ? new ReadOnlyMemory<byte>(c) : (ReadOnlyMemory<byte>?)null,
                    ContentType = settings.ContentType,
                },
                cancellationToken);
        }
    }
}
