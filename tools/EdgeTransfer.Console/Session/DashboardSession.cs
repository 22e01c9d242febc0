using System.Collections.Concurrent;
using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.LineConsole.Session;

/// <summary>
/// One console's connection to the broker: it subscribes to the watched device's topics, feeds the
/// <see cref="DashboardModel"/>, polls <c>status</c> and <c>preview</c>, and sends the commands the keys
/// ask for. Commands run in the background so the screen keeps updating while a device trains.
/// </summary>
/// <remarks>Owns its <see cref="MqttConnection"/>; <see cref="DisposeAsync"/> stops the polls and disconnects.</remarks>
public sealed class DashboardSession : IAsyncDisposable
{
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly MqttConnection _connection;
    private readonly ConnectionProblemLogger _problems;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _statusAnswered = new(0, int.MaxValue);
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private volatile bool _previewSupported = true;

    /// <summary>Creates the session (nothing connects until <see cref="StartAsync"/>).</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="timeProvider">The clock, or null for the system clock.</param>
    /// <param name="logger">Where the MQTT connection logs, or null.</param>
    /// <exception cref="InvalidSettingException">A setting cannot be used.</exception>
    public DashboardSession(ConsoleOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, transport: null, timeProvider, logger)
    {
    }

    /// <summary>Creates the session over <paramref name="transport"/> (tests: the in-memory one), or MQTTnet when null.</summary>
    internal DashboardSession(ConsoleOptions options, IMqttTransport? transport, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ConsoleOptionsValidator.Validate(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _problems = new ConnectionProblemLogger(logger);
        Model = new DashboardModel($"{options.Host}:{options.Port}", options.Fleet, options.Device, options.Classes, _time);
        var connectionOptions = new MqttConnectionOptions
        {
            Role = ConnectionRole.Fleet,
            Host = options.Host,
            Port = options.Port,
            Fleet = options.Fleet,
            Username = options.Username,
            PasswordFile = options.PasswordFile,
            Tls = options.Tls,
            // A console is a viewer: nothing to keep for it while it is closed.
            SessionExpiry = TimeSpan.Zero,
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _connection = transport is null ? new MqttConnection(connectionOptions, _problems, _time) : new MqttConnection(connectionOptions, transport, _problems, _time);
        _connection.MessageHandler = message =>
        {
            Model.Accept(message.Topic, message.Payload);
            return Task.CompletedTask;
        };
    }

    /// <summary>What the dashboard shows.</summary>
    public DashboardModel Model { get; }

    /// <summary>Whether the broker connection is up.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>Subscribes to the device (or the fleet, without <c>--device</c>), starts connecting and polling; returns at once.</summary>
    /// <param name="cancellationToken">Stops the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var kind in new[] { TopicKind.Status, TopicKind.Telemetry, TopicKind.Events, TopicKind.Training })
        {
            // With --device only that device's topics, so a console on a plant broker does not drink the fleet.
            var filter = _options.Device is { } device
                ? DeviceTopic.For(_options.Fleet, device, kind).ToString()
                : TopicFilters.AllDevices(_options.Fleet, kind);
            await _connection.SubscribeAsync(filter, cancellationToken);
        }

        await _connection.SubscribeAsync(TopicFilters.AllDevices(_options.Fleet, TopicKind.Reply), cancellationToken);
        await _connection.StartAsync(cancellationToken);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Waits until the broker is connected, a device is known and it answered one <c>status</c> (so counts
    /// and classes are filled in), or <paramref name="timeout"/> passes. For <c>--snapshot</c> and tests.
    /// </summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether the broker was reached.</returns>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _connection.WaitConnectedAsync(limit.Token);
            await _statusAnswered.WaitAsync(limit.Token);
            _statusAnswered.Release();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        UpdateBroker();
        return _connection.IsConnected;
    }

    /// <summary>Acts on one key: sends its command in the background, or updates the screen.</summary>
    /// <param name="key">The character typed.</param>
    /// <returns>What the key did (<see cref="KeyAction.Quit"/> tells the caller to stop).</returns>
    public KeyResult HandleKey(char key)
    {
        var result = KeyBindings.Resolve(key, Model.Snapshot());
        switch (result.Action)
        {
            case KeyAction.ToggleHelp:
                Model.ToggleHelp();
                break;
            case KeyAction.Refuse:
                Model.SetHint(result.Hint);
                break;
            case KeyAction.Send:
                if (result.SelectClass is { } selected)
                {
                    Model.SelectClass(selected);
                }

                Track(SendAsync(result.Command!, _stop.Token));
                break;
        }

        return result;
    }

    /// <summary>Sends <paramref name="command"/> to the watched device and records the reply (or why there is none) in the model. Never throws but for cancellation.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task SendAsync(ConsoleCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Model.DeviceId is not { } device)
        {
            return;
        }

        Model.CommandSent(command);
        var timeout = command.Name == "train" ? _options.TrainTimeout : _options.CommandTimeout;
        try
        {
            var reply = await _connection.SendCommandAsync(device, command.Name, command.Body, timeout, cancellationToken);
            Model.AcceptReply(command, reply);
            if (command.Name == "preview" && !reply.Ok && reply.Error?.Code == Mqtt.Commands.CommandErrorCodes.UnknownCommand)
            {
                // An agent without the preview command: stop asking, the panel says "no preview".
                _previewSupported = false;
            }

            if (command.Name == "status")
            {
                _statusAnswered.Release();
            }
            else if (!command.Background && reply.Ok)
            {
                // Counts, collecting and head change with most commands: refresh them now, not in 5 s.
                Track(SendAsync(KeyBindings.Status(), _stop.Token));
            }
        }
        catch (TimeoutException ex)
        {
            Model.CommandFailed(command, ex.Message);
        }
        catch (BrokerConnectionException ex)
        {
            Model.CommandFailed(command, ex.Message);
        }
        catch (EdgeTransferException ex)
        {
            // MqttConnection could not read the reply as a v1 command reply: bad data from the device.
            Model.CommandFailed(command, ex.Message, badReply: true);
        }
    }

    /// <summary>Waits for the commands sent so far to be answered or to fail (tests, <c>--snapshot</c>).</summary>
    public async Task WhenIdleAsync()
    {
        while (!_inFlight.IsEmpty)
        {
            await Task.WhenAll(_inFlight.Keys);
        }
    }

    /// <summary>Stops polling, waits for commands in flight (briefly) and disconnects. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _loop;
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
        _statusAnswered.Dispose();
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void UpdateBroker()
    {
        var connected = _connection.IsConnected;
        Model.SetBroker(connected, connected ? null : _problems.Last);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var nextStatus = DateTimeOffset.MinValue;
        var nextPreview = DateTimeOffset.MinValue;
        Task status = Task.CompletedTask;
        Task preview = Task.CompletedTask;
        while (!cancellationToken.IsCancellationRequested)
        {
            UpdateBroker();
            var now = _time.GetUtcNow();
            // Polls only go to a device that is not known to be offline: a request to an offline device
            // waits for its whole timeout and would only add "no reply" lines.
            if (_connection.IsConnected && Model.Snapshot().Device is { Online: not false })
            {
                // One poll of each kind at a time: a device busy training must not pile up requests.
                if (status.IsCompleted && now >= nextStatus)
                {
                    nextStatus = now + _options.StatusInterval;
                    status = SendAsync(KeyBindings.Status(), cancellationToken);
                    Track(status);
                }

                if (_previewSupported && _options.PreviewInterval > TimeSpan.Zero && preview.IsCompleted && now >= nextPreview)
                {
                    nextPreview = now + _options.PreviewInterval;
                    preview = SendAsync(KeyBindings.Preview(_options.PreviewSize, Model.WantsAnomalyMap), cancellationToken);
                    Track(preview);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
