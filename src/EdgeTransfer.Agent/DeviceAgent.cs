using System.Globalization;
using System.Threading.Channels;
using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
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
/// </remarks>
public sealed class DeviceAgent : IAsyncDisposable
{
    private const int EventQueueCapacity = 1024;

    private readonly DeviceAgentOptions _options;
    private readonly ILoggerFactory? _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _stateRoot;
    private readonly CommandRouter _router;
    private readonly DeploymentReceiver _receiver;
    private readonly BundleInstaller _installer;
    private readonly Channel<InspectionEvent> _events = Channel.CreateBounded<InspectionEvent>(new BoundedChannelOptions(EventQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _countersLock = new();
    private readonly Dictionary<string, long> _retiredVerdicts = new(StringComparer.Ordinal);
    private readonly HeadValidations _validations = new();
    private readonly AnomalyCommands _anomaly;
    private AnomalyVerdictCopy? _lastAnomaly;
    private readonly long _startTimestamp;
    private readonly ProcessSampler _process;
    private DeviceHost _host;
    private InspectionLoop? _attached;
    private TrainingRun? _training;
    private Task _telemetryTask = Task.CompletedTask;
    private Task _eventsTask = Task.CompletedTask;
    private long _retiredFrames;
    private long _retiredRejects;
    private long _retiredErrors;
    private long _verdictCount;
    private long _eventsDropped;
    private int _telemetrySeconds;
    private int _eventsEvery;
    private int _eventsRejects;
    private int _eventsAnomalyMap;
    private int _runs;
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
        _options = options ?? new DeviceAgentOptions();
        DeviceAgentOptionsValidator.Validate(_options);
        _host = host;
        _loggers = loggers;
        _logger = loggers?.CreateLogger<DeviceAgent>() ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _process = new ProcessSampler(_time);
        _stateRoot = Path.GetFullPath(_options.StateDirectory ?? host.Options.Store.Path);

        var device = host.Options;
        _telemetrySeconds = device.Mqtt.TelemetryIntervalSeconds;
        _eventsEvery = device.Mqtt.Events.Every;
        _eventsRejects = device.Mqtt.Events.Rejects ? 1 : 0;
        _eventsAnomalyMap = device.Inspection.Anomaly.IncludeMap ? 1 : 0;

        Connection = new MqttConnection(MapConnectionOptions(device, _options, Path.Combine(_stateRoot, "mqtt")), loggers?.CreateLogger<MqttConnection>(), _time)
        {
            BirthProvider = Birth,
        };
        try
        {
            _router = new CommandRouter(device.Device.Fleet, device.Device.Id);
            _router.Register("label", ProtocolJsonContext.Default.LabelRequest, LabelAsync);
            _router.Register("collect", ProtocolJsonContext.Default.CollectRequest, CollectAsync);
            _router.Register("train", ProtocolJsonContext.Default.TrainRequest, TrainAsync);
            _router.Register("rollback", ProtocolJsonContext.Default.RollbackRequest, RollbackAsync);
            _router.Register("status", ProtocolJsonContext.Default.StatusRequest, StatusAsync);
            _router.Register("evaluate", ProtocolJsonContext.Default.EvaluateRequest, (request, _, _) => ValueTask.FromResult(EvaluateCommand.Run(Host, request)));
            _router.RegisterConfig(ConfigKeys.AllowList, ConfigAsync);
            _router.Register("preview", ProtocolJsonContext.Default.PreviewRequest, PreviewAsync);
            _anomaly = new AnomalyCommands(() => Host, Connection, _logger, _time, _stop.Token) { ModelChanged = PublishStatusAsync, TrainingRunId = () => TrainingRunId };
            _router.Register("fit", ProtocolJsonContext.Default.FitRequest, _anomaly.FitAsync);
            _receiver = new DeploymentReceiver(
                new DeploymentReceiverOptions { StagingDirectory = Path.Combine(_stateRoot, "mqtt", "staging"), MaxBundleBytes = _options.MaxBundleBytes },
                InstallAsync);
            _receiver.Register(_router, _options.MaxChunkSize);
            Connection.UseCommands(_router);
            _installer = new BundleInstaller(_stateRoot, _logger);
            _installer.RemoveUnreferenced(host);
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
    public DeviceHost Host => Volatile.Read(ref _host);

    /// <summary>The broker connection (owned).</summary>
    public MqttConnection Connection { get; }

    /// <summary>The command names the agent answers.</summary>
    public IReadOnlyCollection<string> Commands => _router.Names;

    /// <summary>The training run in progress, or null.</summary>
    public string? TrainingRunId => Volatile.Read(ref _training) is { Completion.IsCompleted: false } run ? run.RunId : null;

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

        Attach(Host);
        _eventsTask = Task.Run(() => PumpEventsAsync(_stop.Token), CancellationToken.None);
        _telemetryTask = Task.Run(() => TelemetryLoopAsync(_stop.Token), CancellationToken.None);
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
        if (Volatile.Read(ref _training) is { } run)
        {
            await run.Completion;
        }

        await _anomaly.WaitAsync();
        Detach();
        _events.Writer.TryComplete();
        await Task.WhenAll(_eventsTask, _telemetryTask);
        await Connection.DisposeAsync();
        _router.Dispose();
        await Host.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Queues a telemetry message now (besides the periodic ones).</summary>
    /// <returns>The sequence number it got.</returns>
    public long PublishTelemetry() => Connection.Enqueue(BuildTelemetry()).Seq;

    private StatusMessage Birth()
    {
        var host = Host;
        return new StatusMessage
        {
            State = DeviceState.Online,
            Versions = Versions(host),
            ExecutionProvider = ProviderName(host.Pipeline.Backbone.ExecutionProvider),
        };
    }

    private DeviceVersions Versions(DeviceHost host) => new()
    {
        App = _options.AppVersion,
        OnnxRuntime = OnnxRuntimeVersion.Value,
        Bundle = host.Bundle.BundleId,
        Head = host.Heads.Current?.Number,
        Anomaly = host.Anomaly.Registry.Current?.Name,
    };

    private static readonly Lazy<string?> OnnxRuntimeVersion = new(() =>
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or DllNotFoundException or TypeInitializationException)
        {
            return null;
        }
    });

    private static string ProviderName(ExecutionProviderKind kind) => kind switch
    {
        ExecutionProviderKind.Cuda => "cuda",
        ExecutionProviderKind.DirectML => "directml",
        _ => "cpu",
    };

    // ── inspection events ─────────────────────────────────────────────────────────────────────────

    private void Attach(DeviceHost host)
    {
        if (host.Loop is { } loop && Interlocked.CompareExchange(ref _attached, loop, null) is null)
        {
            loop.VerdictReady += OnVerdict;
        }
    }

    private void Detach()
    {
        if (Interlocked.Exchange(ref _attached, null) is { } loop)
        {
            loop.VerdictReady -= OnVerdict;
        }
    }

    // On the inspection thread: decide and queue, nothing slower (the outbox writes and fsyncs on the pump).
    private void OnVerdict(object? sender, VerdictEventArgs e)
    {
        var verdict = e.Verdict;
        if (verdict.Anomaly is { } scored)
        {
            Volatile.Write(ref _lastAnomaly, new AnomalyVerdictCopy(verdict.FrameId, scored));
        }

        var n = Interlocked.Increment(ref _verdictCount);
        var every = Volatile.Read(ref _eventsEvery);
        var publish = (verdict.Rejects && Volatile.Read(ref _eventsRejects) != 0) || (every > 0 && n % every == 0);
        if (!publish)
        {
            return;
        }

        var message = new InspectionEvent
        {
            FrameId = verdict.FrameId,
            Verdict = verdict.ClassName,
            Confidence = float.IsFinite(verdict.Confidence) ? Math.Round(verdict.Confidence, 4) : 0,
            Rejected = verdict.Rejects,
            LatencyMs = Math.Round(verdict.Latencies.Total.TotalMilliseconds, 2),
            HeadVersion = HeadNumber(verdict.HeadVersion),
            AnomalyScore = verdict.Anomaly is { } a ? Math.Round(a.Score, 4) : null,
            AnomalyThreshold = verdict.Anomaly is { } t ? Math.Round(t.Threshold, 6) : null,
            AnomalyModel = verdict.Anomaly?.ModelVersion,
            AnomalyMap = verdict.Anomaly is { Map: not null } m && Volatile.Read(ref _eventsAnomalyMap) != 0 ? AnomalyVerdictCopy.Message(verdict.FrameId, m) : null,
        };
        if (!_events.Writer.TryWrite(message))
        {
            Interlocked.Increment(ref _eventsDropped);
        }
    }

    private static long? HeadNumber(string version) =>
        version.Length > 1 && version[0] == 'v' && long.TryParse(version.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private async Task PumpEventsAsync(CancellationToken cancellationToken)
    {
        long reported = 0;
        await foreach (var message in _events.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                Connection.Enqueue(message);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                AgentLog.TelemetryFailed(_logger, ex, "an inspection event could not be stored in the outbox");
            }

            var dropped = Interlocked.Read(ref _eventsDropped);
            if (dropped != reported && !cancellationToken.IsCancellationRequested)
            {
                AgentLog.EventsDropped(_logger, dropped - reported);
                reported = dropped;
            }
        }
    }

    // ── telemetry ────────────────────────────────────────────────────────────────────────────────

    private async Task TelemetryLoopAsync(CancellationToken cancellationToken)
    {
        var last = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A short tick rather than one long delay, so that a new interval set by "config" applies at once.
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_time.GetElapsedTime(last) < TimeSpan.FromSeconds(Volatile.Read(ref _telemetrySeconds)))
            {
                continue;
            }

            last = _time.GetTimestamp();
            try
            {
                PublishTelemetry();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ObjectDisposedException)
            {
                AgentLog.TelemetryFailed(_logger, ex, ex.Message);
            }
        }
    }

    private TelemetryMessage BuildTelemetry()
    {
        var host = Host;
        var totals = Totals(host);
        var (cpu, rss) = _process.Sample();
        var store = host.Samples.Statistics;
        var outbox = Connection.Outbox!.Statistics;
        return new TelemetryMessage
        {
            UptimeSeconds = Math.Round(_time.GetElapsedTime(_startTimestamp).TotalSeconds, 1),
            Frames = totals.Frames,
            Verdicts = totals.Verdicts,
            Rejected = totals.Rejects,
            LatencyMs = totals.Latency,
            CpuPercent = cpu,
            RssBytes = rss,
            StoreSamples = store.TotalSamples,
            StoreBytes = store.DiskBytes,
            OutboxMessages = outbox.Count,
            OutboxDropped = outbox.Dropped,
            AnomalyModel = host.Anomaly.Registry.Current?.Name,
            AnomalyThreshold = host.Anomaly.Registry.Current is { } anomaly ? Math.Round(anomaly.Threshold, 6) : null,
        };
    }

    private (long Frames, long Rejects, long Errors, Dictionary<string, long> Verdicts, LatencyPercentiles? Latency, InspectionStatistics? Current) Totals(DeviceHost host)
    {
        var current = host.Loop?.GetStatistics();
        lock (_countersLock)
        {
            var verdicts = new Dictionary<string, long>(_retiredVerdicts, StringComparer.Ordinal);
            foreach (var (name, count) in current?.VerdictsByClass ?? new Dictionary<string, long>())
            {
                verdicts[name] = verdicts.GetValueOrDefault(name) + count;
            }

            LatencyPercentiles? latency = null;
            if (current is not null && current.Latencies.TryGetValue(InspectionStage.Total, out var total) && double.IsFinite(total.P50))
            {
                latency = new LatencyPercentiles { P50 = Math.Round(total.P50, 2), P95 = Math.Round(total.P95, 2), P99 = Math.Round(total.P99, 2) };
            }

            return (_retiredFrames + (current?.Frames ?? 0), _retiredRejects + (current?.Rejects ?? 0), _retiredErrors + (current?.Errors ?? 0), verdicts, latency, current);
        }
    }

    private void Retire(InspectionStatistics statistics)
    {
        // Telemetry counters are totals since the program started: a bundle swap must not make them go back.
        lock (_countersLock)
        {
            _retiredFrames += statistics.Frames;
            _retiredRejects += statistics.Rejects;
            _retiredErrors += statistics.Errors;
            foreach (var (name, count) in statistics.VerdictsByClass)
            {
                _retiredVerdicts[name] = _retiredVerdicts.GetValueOrDefault(name) + count;
            }
        }
    }

    private async Task PublishStatusAsync()
    {
        // The retained birth tells late subscribers what runs; after a deployment or a new head it is out of date.
        // Only while connected: a number taken for a message that cannot go out would look like a loss.
        if (!Connection.IsConnected || Connection.Sequence is not { } sequence)
        {
            return;
        }

        var status = Birth() with { Seq = sequence.Next(), Ts = _time.GetUtcNow() };
        try
        {
            var topic = DeviceTopic.For(Connection.Options.Fleet, Connection.Options.DeviceId!, TopicKind.Status).ToString();
            await Connection.PublishAsync(topic, ProtocolJson.Serialize(status), new PublishSettings { Retain = true });
        }
        catch (BrokerConnectionException ex)
        {
            AgentLog.TelemetryFailed(_logger, ex, "the updated status could not be published; the next connect announces it");
        }
    }

    // ── commands ─────────────────────────────────────────────────────────────────────────────────

    private ValueTask<CommandResult> LabelAsync(LabelRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = Host;
        RequireClass(host, request.Label, allowAuto: false);
        var last = host.Pipeline.GetLastFrame()
            ?? throw new CommandException(CommandErrorCodes.NotFound, "frameId", "No frame has been inspected yet; start inspection, then label the last frame.");
        if (request.FrameId is { } wanted && wanted != last.FrameId)
        {
            throw new CommandException(CommandErrorCodes.NotFound, "frameId", string.Create(CultureInfo.InvariantCulture, $"frameId: frame {wanted} is no longer available; the last frame is {last.FrameId}. Label the last frame or omit frameId."));
        }

        Runtime.Storage.StoredSample sample;
        bool replaced;
        try
        {
            sample = host.LabelLastFrame(request.Label, request.FrameId, out replaced);
        }
        catch (InvalidSettingException ex)
        {
            // A newer frame arrived between the check and the label: nothing was stored.
            throw new CommandException(CommandErrorCodes.NotFound, "frameId", ex.Message, ex);
        }

        return Result(new LabelResult { FrameId = long.Parse(sample.FrameId, CultureInfo.InvariantCulture), Label = sample.Label, SampleId = sample.Id, Replaced = replaced, Samples = host.Samples.Count }, AgentJsonContext.Default.LabelResult);
    }

    private ValueTask<CommandResult> CollectAsync(CollectRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = Host;
        if (request.Action == CollectAction.Stop)
        {
            var stored = host.StopCollecting();
            return Result(new CollectResult { Action = "stop", Stored = stored, Samples = host.Samples.Count }, AgentJsonContext.Default.CollectResult);
        }

        RequireClass(host, request.Label!, allowAuto: true);
        if (host.Loop is null)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, "Inspection is not running, so there are no frames to collect; start the device with 'run'.");
        }

        // The completion is not awaited: collection ends by itself at maxSamples, or by "stop".
        _ = host.StartCollecting(request.Label!, request.MaxSamples);
        return Result(new CollectResult { Action = "start", Label = request.Label, MaxSamples = request.MaxSamples, Samples = host.Samples.Count }, AgentJsonContext.Default.CollectResult);
    }

    private ValueTask<CommandResult> TrainAsync(TrainRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = Host;
        if (TrainingRunId is not null || host.IsTraining)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run ({TrainingRunId ?? "started locally"}) is in progress; wait for its result on the training topic, then send train again.");
        }

        if (_anomaly.FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; wait for its fit-result on the training topic, then send train again.");
        }

        if (request.Seed > int.MaxValue)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "seed", string.Create(CultureInfo.InvariantCulture, $"seed: expected a whole number from 0 to {int.MaxValue}, got {request.Seed}."));
        }

        var options = Runtime.Learning.OnDeviceTrainerOptions.FromTrainingOptions(host.Options.Training);
        options.Epochs = request.Epochs ?? options.Epochs;
        options.LearningRate = request.LearningRate ?? options.LearningRate;
        options.BatchSize = request.BatchSize ?? options.BatchSize;
        options.WeightDecay = request.WeightDecay ?? options.WeightDecay;
        options.ValidationFraction = request.ValidationFraction ?? options.ValidationFraction;
        options.Seed = (int)(request.Seed ?? options.Seed);
        try
        {
            options.Validate();
        }
        catch (InvalidSettingException ex)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, null, ex.Message, ex);
        }

        var runId = string.Create(CultureInfo.InvariantCulture, $"r-{_time.GetUtcNow():yyyyMMddHHmmss}-{Interlocked.Increment(ref _runs)}");
        var samples = host.Samples.Count;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        Task<Runtime.Learning.OnDeviceTrainingResult> training;
        try
        {
            training = host.TrainAsync(options, new TrainingProgressSink(this, runId), cancel.Token);
        }
        catch (InvalidOperationException ex)
        {
            cancel.Dispose();
            throw new CommandException(CommandErrorCodes.Busy, null, ex.Message, ex);
        }

        var run = new TrainingRun(runId, cancel);
        run.Completion = FinishTrainingAsync(run, training, _time.GetTimestamp());
        Volatile.Write(ref _training, run);
        return Result(new TrainAccepted { RunId = runId, Epochs = options.Epochs, LearningRate = options.LearningRate, BatchSize = options.BatchSize, Samples = samples }, AgentJsonContext.Default.TrainAccepted);
    }

    private async Task FinishTrainingAsync(TrainingRun run, Task<Runtime.Learning.OnDeviceTrainingResult> training, long started)
    {
        TrainingResult message;
        try
        {
            var result = await training;
            if (result is { Promoted: true, PromotedVersion: { } promoted, CandidateConfusion: { } confusion })
            {
                // Before the result is queued: a status asked for on seeing the result must already carry it.
                _validations.Remember(Host, promoted.Number, confusion);
            }

            var lastEpoch = result.History.Count > 0 ? result.History[^1] : (Runtime.Learning.TrainingProgress?)null;
            message = new TrainingResult
            {
                RunId = run.RunId,
                Outcome = result.Outcome switch
                {
                    Runtime.Learning.TrainingOutcome.Promoted => PromotionOutcome.Promoted,
                    Runtime.Learning.TrainingOutcome.KeptByQualityGate => PromotionOutcome.Rejected,
                    _ => PromotionOutcome.Failed,
                },
                HeadVersion = result.PromotedVersion?.Number ?? Host.Heads.Current?.Number,
                Accuracy = Finite(result.Candidate?.ValidationAccuracy),
                Loss = Finite(lastEpoch?.TrainLoss),
                DurationSeconds = Math.Round(result.Duration.TotalSeconds, 3),
                Reason = result.Reason,
            };
            AgentLog.TrainingEnded(_logger, run.RunId, result.Outcome, result.Reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AgentLog.TrainingFailed(_logger, ex, run.RunId);
            message = new TrainingResult
            {
                RunId = run.RunId,
                Outcome = PromotionOutcome.Failed,
                HeadVersion = Host.Heads.Current?.Number,
                DurationSeconds = Math.Round(_time.GetElapsedTime(started).TotalSeconds, 3),
                Reason = ex is OperationCanceledException ? "The run was cancelled (the device is shutting down); the head in service is unchanged." : ex.Message,
            };
        }
        finally
        {
            run.Cancel.Dispose();
        }

        try
        {
            // Critical class: the outbox drops every telemetry and event before a training result.
            Connection.Enqueue(message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            AgentLog.TelemetryFailed(_logger, ex, "the training result could not be stored in the outbox");
        }

        if (message.Outcome == PromotionOutcome.Promoted)
        {
            await PublishStatusAsync();
        }
    }

    private void OnTrainingProgress(string runId, Runtime.Learning.TrainingProgress progress)
    {
        try
        {
            Connection.Enqueue(new TrainingProgressMessage
            {
                RunId = runId,
                Epoch = progress.Epoch,
                Epochs = progress.Epochs,
                Loss = Finite(progress.TrainLoss) ?? -1,
                Accuracy = Finite(progress.ValidationAccuracy),
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            AgentLog.TelemetryFailed(_logger, ex, "training progress could not be stored in the outbox");
        }
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 6) : null;

    private async ValueTask<CommandResult> RollbackAsync(RollbackRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        if (request.Anomaly == true)
        {
            return await _anomaly.RollbackAsync();
        }

        var host = Host;
        if (TrainingRunId is { } running)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Training run {running} is in progress; roll back after its result.");
        }

        var current = host.Heads.Current
            ?? throw new CommandException(CommandErrorCodes.NotFound, null, "The device has no head in service to roll back from.");
        if (request.HeadVersion == current.Number)
        {
            return CommandResult.Of(new RollbackResult { HeadVersion = current.Number, Name = current.Name, Changed = false }, AgentJsonContext.Default.RollbackResult);
        }

        var previous = host.Heads.Previous;
        if (previous is null || (request.HeadVersion is { } wanted && wanted != previous.Number))
        {
            var what = previous is null ? "there is no previous head" : $"a rollback restores {previous.Name}";
            throw new CommandException(CommandErrorCodes.NotFound, request.HeadVersion is null ? null : "headVersion", string.Create(CultureInfo.InvariantCulture, $"{(request.HeadVersion is { } v ? $"headVersion: {v} cannot be restored" : "Nothing to roll back to")}: {current.Name} is in service and {what}."));
        }

        var version = host.Rollback();
        if (version.RestoredFrom is { } restored)
        {
            // The restored head is a copy under a new number: the validation behind it is the original's.
            _validations.Copy(host, restored, version.Number);
        }

        await PublishStatusAsync();
        return CommandResult.Of(new RollbackResult { HeadVersion = version.Number, Name = version.Name, RestoredFrom = version.RestoredFrom, Changed = true }, AgentJsonContext.Default.RollbackResult);
    }

    private ValueTask<CommandResult> StatusAsync(StatusRequest request, CommandContext context, CancellationToken cancellationToken) =>
        Result(BuildStatus(), AgentJsonContext.Default.StatusReport);

    /// <summary>The device's state as the <c>status</c> command reports it.</summary>
    public StatusReport BuildStatus()
    {
        var host = Host;
        var head = host.Heads.Current;
        var store = host.Samples.Statistics;
        var totals = Totals(host);
        var loop = host.Loop;
        var source = host.Source?.Status;
        var outbox = Connection.Outbox!.Statistics;
        return new StatusReport
        {
            Versions = Versions(host),
            ExecutionProvider = ProviderName(host.Pipeline.Backbone.ExecutionProvider),
            Classes = host.Bundle.Classes,
            Head = head is null ? null : new HeadReport
            {
                Version = head.Number,
                Name = head.Name,
                Source = head.Source.ToString().ToLowerInvariant(),
                Accuracy = Finite(head.Metrics?.ValidationAccuracy),
                ValidationSamples = head.Metrics?.ValidationSamples,
                Previous = host.Heads.Previous?.Number,
            },
            StoreSamples = store.TotalSamples,
            StoreBytes = store.DiskBytes,
            StoreByClass = store.CountsByClass.ToDictionary(StringComparer.Ordinal),
            Inspection = loop is null ? null : new InspectionReport
            {
                Frames = totals.Frames,
                Rejected = totals.Rejects,
                Errors = totals.Errors,
                Paused = loop.IsPaused,
                Verdicts = totals.Verdicts,
                LatencyMs = totals.Latency,
            },
            Source = source?.State.ToString().ToLowerInvariant(),
            SourceReason = source?.Reason,
            Collecting = host.CollectingLabel,
            TrainingRun = TrainingRunId,
            OutboxMessages = outbox.Count,
            OutboxDropped = outbox.Dropped,
            Config = CurrentConfig(host),
            Validation = head is null ? null : _validations.Of(host, head.Number),
            Anomaly = _anomaly.Report(host),
        };
    }

    private ConfigResult CurrentConfig(DeviceHost host) => new()
    {
        TelemetryIntervalSeconds = Volatile.Read(ref _telemetrySeconds),
        EventsEvery = Volatile.Read(ref _eventsEvery),
        EventsRejects = Volatile.Read(ref _eventsRejects) != 0,
        EventsAnomalyMap = Volatile.Read(ref _eventsAnomalyMap) != 0,
        InspectionPaused = host.Loop?.IsPaused ?? false,
    };

    private ValueTask<CommandResult> ConfigAsync(ConfigRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = Host;
        // All or none: every value is checked before the first is applied (types and ranges by the allow-list).
        if (request.Set.ContainsKey(ConfigKeys.InspectionPaused) && host.Loop is null)
        {
            throw new CommandException(CommandErrorCodes.Failed, "set." + ConfigKeys.InspectionPaused, "Inspection is not running, so it cannot be paused or resumed; nothing was changed.");
        }

        foreach (var (key, value) in request.Set)
        {
            switch (key)
            {
                case ConfigKeys.TelemetryInterval:
                    Volatile.Write(ref _telemetrySeconds, value.GetInt32());
                    break;
                case ConfigKeys.EventsEvery:
                    Volatile.Write(ref _eventsEvery, value.GetInt32());
                    break;
                case ConfigKeys.EventsRejects:
                    Volatile.Write(ref _eventsRejects, value.GetBoolean() ? 1 : 0);
                    break;
                case ConfigKeys.EventsAnomalyMap:
                    Volatile.Write(ref _eventsAnomalyMap, value.GetBoolean() ? 1 : 0);
                    host.Pipeline.IncludeAnomalyMap |= value.GetBoolean();
                    break;
                case ConfigKeys.InspectionPaused when value.GetBoolean():
                    host.Loop!.Pause();
                    break;
                case ConfigKeys.InspectionPaused:
                    host.Loop!.Resume();
                    break;
            }
        }

        return Result(CurrentConfig(host), AgentJsonContext.Default.ConfigResult);
    }

    private ValueTask<CommandResult> PreviewAsync(PreviewRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        // The pipeline keeps a thumbnail of its last frame anyway (for label): a preview copies and scales that,
        // so it costs the inspection thread nothing and keeps no other frame.
        var last = Host.Pipeline.GetLastFrame();
        if (last is null || last.ThumbnailWidth < 1 || last.ThumbnailHeight < 1)
        {
            throw new CommandException(CommandErrorCodes.NotFound, null, "No frame has been captured yet; a preview shows the last inspected frame once inspection runs.");
        }

        var (width, height) = PreviewScaler.Fit(last.ThumbnailWidth, last.ThumbnailHeight, request.Size ?? PreviewRequest.DefaultSize);
        var rgb = PreviewScaler.Resample(last.Thumbnail, last.ThumbnailWidth, last.ThumbnailHeight, width, height);
        AnomalyMapMessage? map = null;
        if (request.AnomalyMap == true)
        {
            // From now on every frame carries its map (784 bytes at 28 × 28), so the next preview has one if this one has not.
            Host.Pipeline.IncludeAnomalyMap = true;
            map = Volatile.Read(ref _lastAnomaly)?.MapMessage();
        }

        return Result(new PreviewResult { FrameId = last.FrameId, Width = width, Height = height, Format = PreviewResult.Rgb24, Data = Convert.ToBase64String(rgb), AnomalyMap = map }, AgentJsonContext.Default.PreviewResult);
    }

    // ── deployment ───────────────────────────────────────────────────────────────────────────────

    private async ValueTask<CommandResult> InstallAsync(ReceivedBundle received, CancellationToken cancellationToken)
    {
        var old = Host;
        if (TrainingRunId is not null || old.IsTraining || _anomaly.FitRunId is not null)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run or anomaly fit is in progress on bundle {old.Bundle.BundleId}; deploy again after its result. Nothing was installed.");
        }

        PreparedSlot prepared;
        try
        {
            prepared = _installer.Prepare(received, old, _loggers, _time);
        }
        catch (EdgeTransferException ex)
        {
            AgentLog.BundleRefused(_logger, ex, received.DeploymentId, old.Bundle.BundleId, ex.Message);
            var code = ex is BundleException { Reason: var reason } && reason.Contains("sha256", StringComparison.OrdinalIgnoreCase)
                ? CommandErrorCodes.DigestMismatch
                : ex is BundleException ? CommandErrorCodes.InvalidValue : CommandErrorCodes.Failed;
            throw new CommandException(code, "bundle", $"The bundle of deployment '{received.DeploymentId}' was refused and {old.Bundle.BundleId} stays in service: {ex.Message}", ex);
        }

        var fresh = prepared.Host;
        var oldLoop = old.Loop;
        var inspecting = oldLoop is not null;
        Detach();
        await old.StopInspectionAsync();
        InspectionLoop? loop = null;
        try
        {
            if (inspecting)
            {
                loop = _options.StartInspection?.Invoke(fresh) ?? fresh.StartInspection();
            }
        }
        catch (Exception ex) when (ex is EdgeTransferException or InvalidOperationException)
        {
            // The new bundle opened but cannot inspect here (camera, GPIO): the old one goes back to work.
            await fresh.DisposeAsync();
            _installer.Discard(prepared.Slot);
            _ = _options.StartInspection?.Invoke(old) ?? old.StartInspection();
            Attach(old);
            AgentLog.BundleRefused(_logger, ex, received.DeploymentId, old.Bundle.BundleId, ex.Message);
            throw new CommandException(CommandErrorCodes.Failed, "bundle", $"The bundle of deployment '{received.DeploymentId}' could not start inspecting, so {old.Bundle.BundleId} was put back in service: {ex.Message}", ex);
        }

        if (oldLoop is not null)
        {
            Retire(oldLoop.GetStatistics());
        }

        Volatile.Write(ref _host, fresh);
        Attach(fresh);
        var outcome = _installer.Commit(received, prepared, old);
        await old.DisposeAsync();

        // The bundle before stays on disk for a rollback, and so do slots kept for what they learned; others go.
        outcome = outcome with { Inspecting = loop is not null, Removed = _installer.RemoveUnreferenced(fresh) };
        AgentLog.BundleInstalled(_logger, fresh.Bundle.BundleId, prepared.Slot, old.Bundle.BundleId);
        HostReplaced?.Invoke(this, new HostReplacedEventArgs(old.Bundle.BundleId, fresh));
        await PublishStatusAsync();
        return CommandResult.Of(outcome, AgentJsonContext.Default.DeployOutcome);
    }

    private static void RequireClass(DeviceHost host, string label, bool allowAuto)
    {
        if ((allowAuto && label == DeviceHost.AutoLabel) || host.Bundle.Classes.Contains(label, StringComparer.Ordinal))
        {
            return;
        }

        throw new CommandException(CommandErrorCodes.InvalidValue, "label", $"label: expected one of the classes of bundle {host.Bundle.BundleId} ({string.Join(", ", host.Bundle.Classes)}{(allowAuto ? ", or auto" : "")}), got {ProtocolIds.Quote(label)}.");
    }

    private static ValueTask<CommandResult> Result<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => ValueTask.FromResult(CommandResult.Of(value, info));

    private sealed class TrainingRun(string runId, CancellationTokenSource cancel)
    {
        public string RunId { get; } = runId;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Completion { get; set; } = Task.CompletedTask;
    }

    // Queues each epoch's progress on the training thread, in order (Progress<T> would post to the pool and could reorder).
    private sealed class TrainingProgressSink(DeviceAgent agent, string runId) : IProgress<Runtime.Learning.TrainingProgress>
    {
        public void Report(Runtime.Learning.TrainingProgress value) => agent.OnTrainingProgress(runId, value);
    }
}
