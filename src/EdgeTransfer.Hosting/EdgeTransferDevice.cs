using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeTransfer.Agent;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Loading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeTransfer.Hosting;

/// <summary>
/// The device runtime as one object, the same way in every host (the device program, the demo, an application that
/// embeds it): lock the state directory, resolve the bundle in service (<see cref="DeployedBundles.Resolve"/>), open it,
/// inspect, and with MQTT on run the device agent, which replaces the bundle after a deployment.
/// </summary>
/// <remarks>
/// Owns the lock, the host, the agent and the sources it makes; <see cref="DisposeAsync"/> (or <see cref="StopAsync"/>)
/// closes them in order. Registered by <see cref="Microsoft.Extensions.DependencyInjection.EdgeTransferServiceCollectionExtensions.AddEdgeTransferDevice"/>, or
/// made directly by a program without dependency injection.
/// </remarks>
public sealed class EdgeTransferDevice : IInspectionDevice, IAsyncDisposable
{
    private readonly EdgeTransferDeviceOptions _options;
    private readonly ILoggerFactory? _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Channel<Verdict>[] _readers = [];
    private StateDirectoryLock? _stateLock;
    private DeviceHost? _host;
    private DeviceAgent? _agent;
    private int _state;

    /// <summary>Creates the device (nothing is opened before <see cref="StartAsync"/>).</summary>
    /// <param name="options">What it runs; checked again at start.</param>
    /// <param name="loggers">Where the device, the runtime and the agent log; none when null.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    public EdgeTransferDevice(EdgeTransferDeviceOptions options, ILoggerFactory? loggers = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggers = loggers;
        _logger = loggers?.CreateLogger<EdgeTransferDevice>() ?? NullLogger<EdgeTransferDevice>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public InspectionDeviceState State => (InspectionDeviceState)Volatile.Read(ref _state);

    /// <inheritdoc />
    public DeviceHost? Host => Volatile.Read(ref _agent)?.Host ?? Volatile.Read(ref _host);

    /// <summary>The settings the device runs with (device.json as loaded, before deployed-bundle resolution), or null before start.</summary>
    public DeviceOptions? Settings { get; private set; }

    /// <summary>Whether the MQTT agent runs (known after start).</summary>
    public bool MqttEnabled { get; private set; }

    /// <inheritdoc />
    public string? FailureReason { get; private set; }

    /// <inheritdoc />
    public event EventHandler<VerdictEventArgs>? VerdictReady;

    /// <inheritdoc />
    public event EventHandler<InspectionErrorEventArgs>? InspectionError;

    /// <inheritdoc />
    public event EventHandler<HostReplacedEventArgs>? BundleReplaced;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, (int)InspectionDeviceState.Running, (int)InspectionDeviceState.NotStarted) != (int)InspectionDeviceState.NotStarted)
        {
            throw new InvalidOperationException($"The device was started before (it is {State}); make a new one to start again.");
        }

        try
        {
            await OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is EdgeTransferException or OperationCanceledException)
        {
            FailureReason = ex.Message;
            HostingLog.StartFailed(_logger, ex.Message);
            await CloseAsync();
            Volatile.Write(ref _state, (int)InspectionDeviceState.Failed);
            CompleteReaders();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        var before = (InspectionDeviceState)Interlocked.Exchange(ref _state, (int)InspectionDeviceState.Stopped);
        if (before is InspectionDeviceState.Stopped or InspectionDeviceState.Failed)
        {
            Volatile.Write(ref _state, (int)before);
            return;
        }

        await CloseAsync();
        CompleteReaders();
        if (before != InspectionDeviceState.NotStarted)
        {
            HostingLog.Stopped(_logger);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Verdict> ReadVerdictsAsync(CancellationToken cancellationToken = default)
    {
        // One bounded channel per reader, registered now (not at the first MoveNextAsync), so that no verdict between
        // this call and the enumeration is lost; a slow reader loses its oldest verdicts, never slows the loop.
        var channel = Channel.CreateBounded<Verdict>(new BoundedChannelOptions(Math.Max(1, _options.VerdictBufferCapacity))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_gate)
        {
            _readers = [.. _readers, channel];
        }

        if (State is InspectionDeviceState.Stopped or InspectionDeviceState.Failed or InspectionDeviceState.SourceEnded)
        {
            channel.Writer.TryComplete();
        }

        return ReadAsync(channel, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private async IAsyncEnumerable<Verdict> ReadAsync(Channel<Verdict> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var verdict in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return verdict;
            }
        }
        finally
        {
            lock (_gate)
            {
                _readers = [.. _readers.Where(r => r != channel)];
            }
        }
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var configured = _options.LoadDevice(checkFiles: false);
        var mqtt = _options.Mqtt ?? configured.Mqtt.IsEnabled;
        if (mqtt)
        {
            // The broker's files (TLS, password) matter only when the agent connects.
            DeviceOptionsValidator.Validate(configured, _options.ConfigFile ?? DeviceConfigFile.DefaultFileName, checkFiles: true);
        }

        Settings = configured;
        MqttEnabled = mqtt;
        _stateLock = StateDirectoryLock.Acquire(configured.Store.Path);
        var host = DeviceHost.Open(DeployedBundles.Resolve(configured), _loggers, _time);
        Volatile.Write(ref _host, host);
        _ = StartInspection(host);
        HostingLog.Started(_logger, host.Bundle.BundleId, host.Pipeline.HeadVersion, host.Source?.Name ?? "none", configured.Store.Path);
        if (mqtt)
        {
            // The agent owns the host from here on: a deployment replaces it and starts inspecting through StartInspection.
            var agent = new DeviceAgent(host, new DeviceAgentOptions { StateDirectory = configured.Store.Path, StartInspection = StartInspection }, _loggers, _time);
            Volatile.Write(ref _agent, agent);
            agent.HostReplaced += (sender, e) => BundleReplaced?.Invoke(this, e);
            await agent.StartAsync(cancellationToken);
        }
    }

    // Every loop goes through here, the first one and those the agent starts after a deployment (or restarts on the
    // bundle before, when a new one cannot inspect), so the events and readers follow whichever loop is in service.
    private InspectionLoop StartInspection(DeviceHost host)
    {
        var loop = host.StartInspection(_options.Source?.Invoke());
        loop.VerdictReady += OnVerdict;
        loop.Error += (sender, e) => InspectionError?.Invoke(this, e);
        _ = loop.Completion.ContinueWith(_ => OnLoopEnded(host, loop), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return loop;
    }

    private void OnVerdict(object? sender, VerdictEventArgs e)
    {
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.Writer.TryWrite(e.Verdict);
        }

        VerdictReady?.Invoke(this, e);
    }

    private void OnLoopEnded(DeviceHost host, InspectionLoop loop)
    {
        // A loop the host stopped is no longer its Loop (stop, replacement); one still in place ended with its source.
        if (!ReferenceEquals(host.Loop, loop) || Interlocked.CompareExchange(ref _state, (int)InspectionDeviceState.SourceEnded, (int)InspectionDeviceState.Running) != (int)InspectionDeviceState.Running)
        {
            return;
        }

        HostingLog.SourceEnded(_logger, host.Source?.Name ?? "none");
        CompleteReaders();
    }

    private void CompleteReaders()
    {
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.Writer.TryComplete();
        }
    }

    private async Task CloseAsync()
    {
        // Disposing the agent publishes "offline" (reason shutdown), disconnects and disposes the host it holds.
        if (Interlocked.Exchange(ref _agent, null) is { } agent)
        {
            Volatile.Write(ref _host, null);
            await agent.DisposeAsync();
        }
        else if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await host.DisposeAsync();
        }

        _stateLock?.Dispose();
        _stateLock = null;
    }
}
