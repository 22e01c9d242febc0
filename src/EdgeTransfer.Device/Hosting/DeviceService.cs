using System.Runtime.ExceptionServices;
using EdgeTransfer.Hosting;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device.Hosting;

/// <summary>
/// The device as a hosted service: an <see cref="EdgeTransferDevice"/> (locks the state directory, resolves the bundle
/// in service — the one deployed over MQTT last, else device.json's —, opens it, inspects, runs the MQTT agent, which
/// replaces the host after a deployment), plus what the device program adds: the console lines, camera loss in the
/// log, the systemd watchdog fed while the loop makes progress, and the summary on stop.
/// </summary>
/// <remarks>
/// Opening happens in <see cref="StartAsync"/>, so that systemd hears <c>READY=1</c> only once the device inspects.
/// A failure to open is kept in <see cref="Failure"/> and stops the application instead of throwing into the host,
/// which would log it with a stack trace: the program's error funnel reports it as one clear line.
/// </remarks>
public sealed class DeviceService : BackgroundService
{
    private readonly DeviceServiceSettings _settings;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly ISystemdNotifier? _notifier;
    private readonly TimeProvider _time;
    private readonly RunReport _report;
    private readonly EdgeTransferDevice _device;

    /// <summary>Creates the service (nothing is opened before <see cref="StartAsync"/>).</summary>
    /// <param name="settings">What the run does.</param>
    /// <param name="lifetime">Stopped when the run ends by itself (time limit, failure to start).</param>
    /// <param name="loggers">Where the device, the runtime and the agent log.</param>
    /// <param name="notifier">The systemd notifier; null outside systemd (no watchdog then).</param>
    /// <param name="timeProvider">The clock of the watchdog; the system clock when null.</param>
    public DeviceService(DeviceServiceSettings settings, IHostApplicationLifetime lifetime, ILoggerFactory loggers, ISystemdNotifier? notifier = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(loggers);
        _settings = settings;
        _lifetime = lifetime;
        _logger = loggers.CreateLogger<DeviceService>();
        _notifier = notifier;
        _time = timeProvider ?? TimeProvider.System;
        _report = new RunReport(settings.Output, settings.Error, settings.PrintEvery);
        _device = new EdgeTransferDevice(
            new EdgeTransferDeviceOptions { Device = settings.Device, Mqtt = settings.Mqtt, Source = FirstSource(settings.Source) },
            loggers,
            _time);
        _report.Follow(_device);
    }

    /// <summary>Why the service could not start, or null; the caller rethrows it after the host has stopped.</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    /// <summary>The device host in service (the agent's after a deployment), or null before start and after stop.</summary>
    public DeviceHost? Current => _device.Host;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await OpenAsync(cancellationToken);
        }
        catch (EdgeTransferException ex)
        {
            // The device logged it and closed what it had opened.
            Failure = ExceptionDispatchInfo.Capture(ex);
            _lifetime.StopApplication();
            return;
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Current is { } current)
        {
            var stats = current.Loop?.GetStatistics();
            await current.StopInspectionAsync();
            if (stats is not null)
            {
                _report.Summarize(stats);
                DeviceLog.Stopped(_logger, stats.Frames, stats.Rejects, stats.Errors);
            }
        }

        await _device.StopAsync();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (_settings.StopAfter is { } limit)
        {
            run.CancelAfter(limit);
        }

        try
        {
            var interval = _settings.WatchdogInterval ?? DeviceServiceSettings.SystemdWatchdogInterval(Environment.GetEnvironmentVariable);
            if (interval is { } every && _notifier is { IsEnabled: true } notifier)
            {
                await new InspectionWatchdog(notifier, every, () => Current, _logger, _time).RunAsync(run.Token);
            }
            else
            {
                await Task.Delay(Timeout.Infinite, run.Token);
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            // The time limit: end the whole program as SIGTERM would.
            _lifetime.StopApplication();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        // Only when the host is disposed without being stopped: the device releases its lock and closes the bundle.
        _device.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose();
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        DeviceLog.Starting(_logger, DeviceProgram.Description);
        _device.BundleReplaced += (_, e) =>
        {
            _settings.Output.WriteLine($"deployed   bundle {e.Host.Bundle.BundleId} replaced {e.PreviousBundleId}");
            DeviceLog.Replaced(_logger, e.Host.Bundle.BundleId, e.PreviousBundleId, e.Host.Pipeline.HeadVersion);
            Watch(e.Host.Source);
        };
        await _device.StartAsync(cancellationToken);
        var host = _device.Host!;
        var configured = _device.Settings!;
        Watch(host.Source);
        _settings.Output.WriteLine($"running    bundle {host.Bundle.BundleId}, head {host.Pipeline.HeadVersion}; Ctrl+C stops");
        DeviceLog.Started(_logger, host.Bundle.BundleId, host.Pipeline.HeadVersion, host.Source?.Name ?? "none", configured.Store.Path);
        if (_device.MqttEnabled)
        {
            _settings.Output.WriteLine($"mqtt       {configured.Mqtt.Host}:{configured.Mqtt.Port} as {configured.Device.Fleet}/{configured.Device.Id}");
        }
    }

    // The source given in the settings inspects the first bundle only; after a deployment the configured one does.
    private static Func<IFrameSource?>? FirstSource(IFrameSource? source)
    {
        if (source is null)
        {
            return null;
        }

        var first = source;
        return () => Interlocked.Exchange(ref first, null);
    }

    // Camera loss and return are logged here, once per change, whichever host the source belongs to.
    private void Watch(IFrameSource? source)
    {
        if (source is null)
        {
            return;
        }

        source.StatusChanged += (_, e) =>
        {
            switch (e.Current.State)
            {
                case SourceState.Reconnecting:
                    DeviceLog.SourceLost(_logger, e.SourceName, e.Current.Reason, e.Current.Attempt, e.Current.NextRetryAt);
                    break;
                case SourceState.Failed:
                    DeviceLog.SourceFailed(_logger, e.SourceName, e.Current.Reason);
                    break;
                default:
                    DeviceLog.SourceState(_logger, e.SourceName, e.Current.State);
                    break;
            }
        };
    }
}
