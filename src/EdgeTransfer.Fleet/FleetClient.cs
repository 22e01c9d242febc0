using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// The fleet tool's connection: a fleet-role <see cref="MqttConnection"/> that feeds a <see cref="FleetView"/>
/// and, for <c>watch</c>, a callback. Unlike a device, the tool fails fast when the broker is unreachable.
/// </summary>
/// <remarks>Owns its connection. Dispose disconnects cleanly (MQTT 5 DISCONNECT, §3.14).</remarks>
public sealed class FleetClient : IAsyncDisposable
{
    private readonly MqttConnection _connection;
    private int _disposed;

    private FleetClient(MqttConnection connection, FleetView view)
    {
        _connection = connection;
        View = view;
        connection.MessageHandler = OnMessageAsync;
    }

    /// <summary>The connection (for commands and deployments).</summary>
    public MqttConnection Connection => _connection;

    /// <summary>What the client has seen of the fleet.</summary>
    public FleetView View { get; }

    /// <summary>Called for every message of this fleet after the view took it into account (watch); exceptions are logged by the connection.</summary>
    public Func<ReceivedMessage, Task>? MessageReceived { get; set; }

    /// <summary>Connects and waits for the broker's CONNACK, up to <see cref="FleetConnectionOptions.ConnectTimeout"/>.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="trackSequence">Whether the view counts seq gaps (off for shared subscriptions).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidSettingException">An option cannot be used.</exception>
    /// <exception cref="BrokerConnectionException">No connection within the timeout; the message says why (the newest error of the attempts).</exception>
    public static async Task<FleetClient> ConnectAsync(FleetConnectionOptions options, bool trackSequence = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionOptions = options.ToConnectionOptions();
        var errors = new LastErrorLogger();
        var connection = new MqttConnection(connectionOptions, errors);
        var client = new FleetClient(connection, new FleetView(options.Fleet, trackSequence));
        try
        {
            await connection.StartAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await connection.WaitConnectedAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var why = errors.LastReason ?? "no answer";
                throw new BrokerConnectionException(
                    options.Broker.Host,
                    options.Broker.Port,
                    $"no connection within {options.ConnectTimeout.TotalSeconds:0.#} s ({why}); check --broker, that the broker runs (edgetransfer broker starts one) and --username/--password-file/--tls-ca.",
                    errors.LastException);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="kinds"/> of every device, as members of the options' shared-subscription
    /// group when <paramref name="shared"/> (MQTT 5 §4.8.2: the broker hands each message to one member).
    /// </summary>
    /// <param name="kinds">Status, telemetry, events, training, reply.</param>
    /// <param name="shared">
    /// Use the group. A shared subscription gets no retained messages (§3.3.1.3), so whoever needs every
    /// device's current status (<c>fleet list</c>, <c>all</c>) subscribes without one.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the SUBACKs.</param>
    public async Task SubscribeAsync(IEnumerable<TopicKind> kinds, bool shared = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var group = shared ? _connection.Options.SharedSubscriptionGroup : null;
        foreach (var kind in kinds.Distinct())
        {
            var filter = TopicFilters.AllDevices(_connection.Options.Fleet, kind);
            try
            {
                await _connection.SubscribeAsync(group is not null ? TopicFilters.Shared(group, filter) : filter, cancellationToken);
            }
            catch (BrokerConnectionException ex) when (group is not null && ex.Reason.Contains("SharedSubscriptionsNotSupported", StringComparison.Ordinal))
            {
                // SUBACK reason 0x9E (MQTT 5 §3.9.3): the broker has no shared subscriptions at all; no ACL will fix that.
                throw new BrokerConnectionException(ex.Host, ex.Port, $"does not support MQTT 5 shared subscriptions (§4.8.2), so --share '{group}' cannot work there; use a broker that does (Mosquitto 1.6 or later, EMQX, HiveMQ). The embedded MQTTnet broker does not.", ex);
            }
        }
    }

    /// <summary>Disconnects and releases the connection. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task OnMessageAsync(ReceivedMessage message)
    {
        if (View.Observe(message) && MessageReceived is { } callback)
        {
            await callback(message);
        }
    }
}
