using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Commands;
using EdgeTransfer.Agent.Deployment;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeTransfer.Agent;

/// <summary>
/// Connects a <see cref="DeviceHost"/> to the fleet over MQTT (protocol v1, <c>docs/mqtt.md</c>): a retained birth
/// with versions on every connect and the <c>offline</c> last will; telemetry every N seconds; sampled inspection
/// events; training progress and results; and the commands <c>label</c>, <c>collect</c>, <c>train</c>,
/// <c>rollback</c>, <c>fit</c>, <c>status</c>, <c>evaluate</c>, <c>config</c>, <c>preview</c>, <c>deploy</c> and <c>deploy-chunk</c>.
/// </summary>
/// <remarks>
/// <para>Everything that must survive a broker outage (telemetry, events, training) goes through the connection's
/// on-disk outbox; the device keeps inspecting whatever the broker does. Commands run one at a time; a request that
/// fails a check gets an error reply and changes nothing.</para>
/// <para>Ownership: the agent owns the host it is given and every host it opens for a deployed bundle (a deployment
/// replaces <see cref="Host"/>), and its <see cref="MqttConnection"/>. Start inspection on the host before
/// <see cref="StartAsync"/> so that its verdicts are published.</para>
/// <para>The agent only wires and runs its parts: one handler per command (<c>Commands/</c>), the status, telemetry and
/// event publishers (<c>Publishing/</c>) and the deployment installer (<c>Deployment/</c>).</para>
/// </remarks>
public sealed class DeviceAgent : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly HostInService _hosts;
    private readonly CommandRouter _router;
    private readonly CancellationTokenSource _stop = new();
    private readonly InspectionEventPublisher _events;
    private readonly TelemetryPublisher _telemetry;
    private readonly TrainingRuns _training;
    private readonly AnomalyFits _anomaly;
    private readonly StatusCommand _status;
    private Task _telemetryTask = Task.CompletedTask;
    private int _started;
    private int _disposed;

    /// <summary>Creates the agent for <paramref name="host"/> from the host's <c>mqtt</c> settings (nothing is sent until <see cref="StartAsync"/>).</summary>
    /// <param name="host">The device (owned from now on).</param>
    /// <param name="options">Agent settings; defaults when null.</param>
    /// <param name="loggers">Where logs go; none when null.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used (named in the message).</exception>
    public DeviceAgent(DeviceHost host, DeviceAgentOptions? options = null, ILoggerFactory? loggers = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        options ??= new DeviceAgentOptions();
        DeviceAgentOptionsValidator.Validate(options);
        _hosts = new HostInService(host);
        _logger = loggers?.CreateLogger<DeviceAgent>() ?? (ILogger)NullLogger.Instance;
        var time = timeProvider ?? TimeProvider.System;
        var stateRoot = Path.GetFullPath(options.StateDirectory ?? host.Options.Store.Path);
        var device = host.Options;
        var settings = new AgentSettings(device);
        var totals = new InspectionTotals();
        Connection = new MqttConnection(MapConnectionOptions(device, options, Path.Combine(stateRoot, "mqtt")), loggers?.CreateLogger<MqttConnection>(), time);
        try
        {
            var outbox = new OutboxWriter(Connection, _logger);
            var status = new StatusPublisher(_hosts, Connection, options.AppVersion, time, _logger);
            Connection.BirthProvider = status.Birth;
            _events = new InspectionEventPublisher(outbox, settings, _logger);
            _telemetry = new TelemetryPublisher(_hosts, Connection, settings, totals, time, _logger);
            var validations = new HeadValidations();
            _training = new TrainingRuns(_hosts, outbox, status, validations, _logger, time, _stop.Token);
            _anomaly = new AnomalyFits(_hosts, outbox, status, _logger, time, _stop.Token);
            _status = new StatusCommand(_hosts, Connection, status, settings, totals, _training, validations, _anomaly);
            IAgentCommand[] commands =
            [
                new LabelCommand(_hosts),
                new CollectCommand(_hosts),
                new TrainCommand(_hosts, _training, _anomaly),
                new RollbackCommand(_hosts, _training, _anomaly, validations, status),
                _status,
                new EvaluateCommand(_hosts),
                new ConfigCommand(_hosts, settings),
                new PreviewCommand(_hosts, _events),
                new FitCommand(_hosts, _anomaly, _training),
            ];
            _router = new CommandRouter(device.Device.Fleet, device.Device.Id);
            foreach (var command in commands)
            {
                command.Register(_router);
            }

            var slots = new BundleInstaller(stateRoot, _logger);
            var installer = new DeploymentInstaller(_hosts, slots, _events, totals, status, _training, _anomaly, options, loggers, time, _logger)
            {
                Replaced = e => HostReplaced?.Invoke(this, e),
            };
            var receiver = new DeploymentReceiver(
                new DeploymentReceiverOptions { StagingDirectory = Path.Combine(stateRoot, "mqtt", "staging"), MaxBundleBytes = options.MaxBundleBytes },
                installer.InstallAsync);
            receiver.Register(_router, options.MaxChunkSize);
            Connection.UseCommands(_router);
            slots.RemoveUnreferenced(host);
        }
        catch
        {
            _router?.Dispose();
            Connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Raised after a deployed bundle was put in service: <see cref="Host"/> is the new host, its inspection started if the old one inspected.</summary>
    public event EventHandler<HostReplacedEventArgs>? HostReplaced;

    /// <summary>The device in service now (replaced by a successful deployment).</summary>
    public DeviceHost Host => _hosts.Current;

    /// <summary>The broker connection (owned).</summary>
    public MqttConnection Connection { get; }

    /// <summary>The command names the agent answers.</summary>
    public IReadOnlyCollection<string> Commands => _router.Names;

    /// <summary>The training run in progress, or null.</summary>
    public string? TrainingRunId => _training.RunId;

    /// <summary>Maps the <c>mqtt</c> section of <c>device.json</c> to the connection's settings.</summary>
    /// <param name="device">The device options (ids, broker, TLS, credentials, outbox bounds).</param>
    /// <param name="agent">The agent's timing settings.</param>
    /// <param name="stateDirectory">Where the sequence counter and outbox live.</param>
    /// <exception cref="InvalidSettingException">TLS is configured without a CA file (the device trusts only a configured CA).</exception>
    public static MqttConnectionOptions MapConnectionOptions(DeviceOptions device, DeviceAgentOptions agent, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        var mqtt = device.Mqtt;
        MqttTlsSettings? tls = null;
        if (mqtt.Tls is { } t)
        {
            // The connection trusts only the configured CA, never the machine's store: a plant broker has its own CA.
            tls = new MqttTlsSettings
            {
                CaFile = t.CaFile ?? throw new InvalidSettingException("mqtt.tls.caFile", "expected the PEM file of the CA that signed the broker's certificate; the device does not trust the system store for its broker."),
                ClientCertificateFile = t.ClientCert,
                ClientKeyFile = t.ClientKey,
            };
        }

        return new MqttConnectionOptions
        {
            Role = ConnectionRole.Device,
            Host = mqtt.Host,
            Port = mqtt.Port,
            Fleet = device.Device.Fleet,
            DeviceId = device.Device.Id,
            Username = mqtt.Username,
            PasswordFile = mqtt.PasswordFile,
            Tls = tls,
            KeepAlive = agent.KeepAlive,
            ConnectTimeout = agent.ConnectTimeout,
            ReconnectMinDelay = agent.ReconnectMinDelay,
            ReconnectMaxDelay = agent.ReconnectMaxDelay,
            StateDirectory = stateDirectory,
            Outbox = new Mqtt.Outbox.MqttOutboxOptions { MaxMessages = mqtt.Outbox.MaxMessages, MaxBytes = mqtt.Outbox.MaxBytes },
        };
    }

    /// <summary>
    /// Subscribes to the host's verdicts, starts telemetry and the connection (which connects and reconnects by
    /// itself) and returns at once: the device works whether the broker is there or not.
    /// </summary>
    /// <param name="cancellationToken">Stops the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The agent is started already.");
        }

        _events.Attach(Host);
        _events.Start(_stop.Token);
        _telemetryTask = Task.Run(() => _telemetry.RunAsync(_stop.Token), CancellationToken.None);
        await Connection.StartAsync(cancellationToken);
        var options = Connection.Options;
        AgentLog.Started(_logger, options.Fleet, options.DeviceId!, options.Host, options.Port);
    }

    /// <summary>
    /// Stops: a running training is cancelled (its result is queued as failed), queued events are stored, the device
    /// publishes its retained <c>offline</c> status and disconnects cleanly, and the host is disposed. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _training.WaitAsync();
        await _anomaly.WaitAsync();
        _events.Detach();
        await Task.WhenAll(_events.CompleteAsync(), _telemetryTask);
        await Connection.DisposeAsync();
        _router.Dispose();
        await Host.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Queues a telemetry message now (besides the periodic ones).</summary>
    /// <returns>The sequence number it got.</returns>
    public long PublishTelemetry() => _telemetry.PublishNow();

    /// <summary>The device's state as the <c>status</c> command reports it.</summary>
    public StatusReport BuildStatus() => _status.Build();
}
