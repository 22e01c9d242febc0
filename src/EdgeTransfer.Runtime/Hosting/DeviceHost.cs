using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Imaging.Augmentation;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Learning;
using EdgeTransfer.Runtime.Lines;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Runtime.Hosting;

/// <summary>
/// The device's composition root: the verified bundle, the head in service, the sample store, the
/// inspection pipeline and the on-device trainer, wired so that a promoted or rolled-back head goes into
/// service between two frames. The CLI, the MQTT agent and the demo all drive the device through it.
/// </summary>
/// <remarks>
/// Owns everything it creates. Inspection and training run concurrently: training reads a snapshot of
/// the store on its own thread; the pipeline swaps heads atomically between frames.
/// </remarks>
public sealed class DeviceHost : IAsyncDisposable
{
    private readonly ILoggerFactory? _loggers;
    private readonly TimeProvider _time;
    private readonly Lock _collectGate = new();
    private readonly FrameLabels _frames;
    private readonly FrameAugmenter? _augmenter;
    private InspectionLoop? _loop;
    private IFrameSource? _source;
    private ITrigger? _trigger;
    private RejectLine? _reject;
    private CollectSession? _collect;
    private int _customRun;
    private int _disposed;

    private DeviceHost(DeviceOptions options, DeviceBundle bundle, HeadRegistry heads, SampleStore samples, InspectionPipeline pipeline, OnDeviceTrainer trainer, ILoggerFactory? loggers, TimeProvider time)
    {
        Options = options;
        Bundle = bundle;
        Heads = heads;
        Samples = samples;
        Pipeline = pipeline;
        Trainer = trainer;
        _loggers = loggers;
        _time = time;
        _frames = new FrameLabels(samples);
        if (options.Training.Augmentation.Enabled)
        {
            _augmenter = new FrameAugmenter(options.Training.Augmentation);
            Pipeline.KeepLastPixels = true;
        }

        Trainer.HeadPromoted += (_, e) => Pipeline.SwapHead(e.Head, e.Version.Name);
    }

    /// <summary>The validated configuration.</summary>
    public DeviceOptions Options { get; }

    /// <summary>The verified bundle in service.</summary>
    public DeviceBundle Bundle { get; }

    /// <summary>The versioned heads.</summary>
    public HeadRegistry Heads { get; }

    /// <summary>The labelled samples.</summary>
    public SampleStore Samples { get; }

    /// <summary>Frame → verdict.</summary>
    public InspectionPipeline Pipeline { get; }

    /// <summary>Trains, gates and promotes heads.</summary>
    public OnDeviceTrainer Trainer { get; }

    /// <summary>The anomaly model in service, its registry, fitting and rollback.</summary>
    public required DeviceAnomaly Anomaly
    {
        get;
        init
        {
            field = value;
            value.ModelChanged += OnAnomalyModelChanged;
        }
    }

    /// <summary>The running inspection loop, or null before <see cref="StartInspection"/>.</summary>
    public InspectionLoop? Loop => Volatile.Read(ref _loop);

    /// <summary>The frame source of the running loop, or null.</summary>
    public IFrameSource? Source => Volatile.Read(ref _source);

    /// <summary>The label being collected, or null.</summary>
    public string? CollectingLabel => Volatile.Read(ref _collect)?.Label;

    /// <summary>Raised after a sample was stored by collection or labelling.</summary>
    public event EventHandler<StoredSample>? SampleStored;

    /// <summary>Opens the device: verifies the bundle, opens the head registry (initialised from the bundle on first start) and the store, and builds the pipeline.</summary>
    /// <param name="options">The validated configuration.</param>
    /// <param name="loggers">Where logs go; none when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="EdgeTransferException">The bundle, the registry, the store or the execution provider cannot be used.</exception>
    public static DeviceHost Open(DeviceOptions options, ILoggerFactory? loggers = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var bundle = DeviceBundle.Open(options.Bundle.Path);
        DeviceOptionsValidator.ValidateAgainstClasses(options, bundle.Classes);
        bundle.EnsureInt8FlavourAccepted(options.Bundle.Int8Activations);

        var disposables = new Stack<IDisposable>();
        try
        {
            var heads = HeadRegistry.OpenForBundle(options.Store.HeadsPath, bundle.Bundle, options.Training.ToHeadRegistryOptions(), time);
            disposables.Push(heads);
            if (heads.Current is null)
            {
                heads.Initialize(bundle.InitialHead);
            }

            var samples = SampleStore.Open(options.Store.SamplesPath, SampleStoreSchema.FromManifest(bundle.Manifest, bundle.BackboneRole), options.Training.ToSampleStoreOptions(), time);
            disposables.Push(samples);
            var anomaly = DeviceAnomaly.Open(options, bundle, time);
            disposables.Push(anomaly);
            var pipeline = new InspectionPipeline(
                bundle,
                new VerdictPolicy(bundle.Classes, options.Inspection),
                BackboneOptions.FromConfiguration(options.ExecutionProvider),
                (heads.ReadCurrent(), heads.Current!.Name),
                timeProvider: time,
                anomaly: anomaly.CreateStage());
            disposables.Push(pipeline);
            var trainer = new OnDeviceTrainer(bundle.Bundle, heads, OnDeviceTrainerOptions.FromTrainingOptions(options.Training), time);
            anomaly.SharedBackbone = pipeline;
            return new DeviceHost(options, bundle, heads, samples, pipeline, trainer, loggers, time) { Anomaly = anomaly };
        }
        catch
        {
            while (disposables.Count > 0)
            {
                disposables.Pop().Dispose();
            }

            throw;
        }
    }

    /// <summary>Starts capturing and inspecting with the configured source, trigger and reject line.</summary>
    /// <param name="source">A source to use instead of the configured one (tests, demos); owned by the host.</param>
    /// <param name="trigger">A trigger to use instead of the configured one; owned by the host. Ignored when <paramref name="source"/> is given and this is null (inspect as fast as the source delivers).</param>
    /// <param name="rejectLine">A reject line to use instead of the configured one; owned by the host.</param>
    /// <returns>The running loop.</returns>
    public InspectionLoop StartInspection(IFrameSource? source = null, ITrigger? trigger = null, RejectLine? rejectLine = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException("Inspection is already running.");
        }

        Anomaly.ThrowIfNotReady();
        _source = source ?? LineFactory.CreateSource(Options, Bundle.Classes, _time);
        _trigger = trigger ?? (source is null ? LineFactory.CreateTrigger(Options, _time) : null);
        _reject = rejectLine ?? (source is null ? LineFactory.CreateRejectLine(Options, _time) : null);
        var loop = new InspectionLoop(Pipeline, _source, _trigger, _reject, logger: _loggers?.CreateLogger<InspectionLoop>(), timeProvider: _time);
        loop.VerdictReady += OnVerdict;
        loop.Start();
        Volatile.Write(ref _loop, loop);
        return loop;
    }

    /// <summary>Stores the features of every following inspected frame under <paramref name="label"/> until <see cref="StopCollecting"/> or <paramref name="count"/> samples.</summary>
    /// <param name="label">A class of the bundle, or <c>auto</c> to use the label the source knows (folder replay, synthetic line).</param>
    /// <param name="count">Stop after this many samples; null for no limit.</param>
    /// <returns>Completes when <paramref name="count"/> samples were stored, or when collection stops.</returns>
    public Task<int> StartCollecting(string label, int? count = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (label != AutoLabel && !Bundle.Classes.Contains(label, StringComparer.Ordinal))
        {
            throw new InvalidSettingException("label", $"'{label}' is not a class of bundle {Bundle.BundleId}; the classes are {string.Join(", ", Bundle.Classes)}.");
        }

        if (count is <= 0)
        {
            throw new InvalidSettingException("count", $"expected a positive number of samples, got {count}.");
        }

        var session = new CollectSession(label, count);
        lock (_collectGate)
        {
            Volatile.Read(ref _collect)?.Complete();
            Volatile.Write(ref _collect, session);
        }

        return session.Completion;
    }

    /// <summary>The label that makes collection use the label the source knows.</summary>
    public const string AutoLabel = "auto";

    /// <summary>Stops collecting; returns how many samples the session stored.</summary>
    public int StopCollecting()
    {
        lock (_collectGate)
        {
            var session = Volatile.Read(ref _collect);
            Volatile.Write(ref _collect, null);
            session?.Complete();
            return session?.Stored ?? 0;
        }
    }

    /// <summary>Labels the last inspected frame (or the one with <paramref name="frameId"/>, if it is the last) as <paramref name="label"/>.</summary>
    /// <param name="label">A class of the bundle.</param>
    /// <param name="frameId">The frame the technician saw; null for the last one.</param>
    /// <returns>The stored sample.</returns>
    /// <exception cref="InvalidSettingException">No frame has been inspected yet, the frame is no longer the last one, or the label is not a class.</exception>
    public StoredSample LabelLastFrame(string label, long? frameId = null) => LabelLastFrame(label, frameId, out _);

    /// <summary>
    /// Labels the last inspected frame; a frame that has a sample already (labelled or collected before) keeps that one
    /// sample, with the new label, instead of getting a copy.
    /// </summary>
    /// <param name="label">A class of the bundle.</param>
    /// <param name="frameId">The frame the technician saw; null for the last one.</param>
    /// <param name="replaced">Whether the frame had a sample already, whose label was replaced.</param>
    /// <returns>The sample that holds the frame.</returns>
    /// <exception cref="InvalidSettingException">No frame has been inspected yet, the frame is no longer the last one, or the label is not a class.</exception>
    public StoredSample LabelLastFrame(string label, long? frameId, out bool replaced)
    {
        var last = Pipeline.GetLastFrame()
            ?? throw new InvalidSettingException("frameId", "no frame has been inspected yet; start inspection first.");
        if (frameId is { } wanted && wanted != last.FrameId)
        {
            throw new InvalidSettingException("frameId", string.Create(CultureInfo.InvariantCulture, $"frame {wanted} is no longer available; the last frame is {last.FrameId}. Label the last frame or omit frameId."));
        }

        (var sample, replaced) = _frames.Label(label, last.Features, last.FrameId.ToString(CultureInfo.InvariantCulture), ViewsOf(last.FrameId));
        SampleStored?.Invoke(this, sample);
        return sample;
    }

    /// <summary>Trains a head on the stored samples on a background thread; a head the quality gate accepts goes into service between two frames.</summary>
    /// <param name="progress">Per-epoch progress.</param>
    /// <param name="cancellationToken">Stops the run; nothing is promoted then.</param>
    public Task<OnDeviceTrainingResult> TrainAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Trainer.TrainAsync(Samples.ReadAll(), progress, cancellationToken);

    /// <summary>
    /// Trains a head with <paramref name="options"/> instead of the <c>training</c> section (the MQTT <c>train</c> command
    /// sets epochs, learning rate …); otherwise as <see cref="TrainAsync(IProgress{TrainingProgress}, CancellationToken)"/>.
    /// </summary>
    /// <param name="options">The options of this run (validated here).</param>
    /// <param name="progress">Per-epoch progress.</param>
    /// <param name="cancellationToken">Stops the run; nothing is promoted then.</param>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">Another run is in progress.</exception>
    public Task<OnDeviceTrainingResult> TrainAsync(OnDeviceTrainerOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Trainer.IsRunning || Interlocked.Exchange(ref _customRun, 1) != 0)
        {
            throw new InvalidOperationException("A training run is already in progress on this device; wait for it to end.");
        }

        try
        {
            // A trainer of its own: the configured one keeps its options for the CLI, and both promote
            // through the same registry and pipeline swap.
            var trainer = new OnDeviceTrainer(Bundle.Bundle, Heads, options, _time);
            trainer.HeadPromoted += (_, e) => Pipeline.SwapHead(e.Head, e.Version.Name);
            var run = trainer.TrainAsync(Samples.ReadAll(), progress, cancellationToken);
            _ = run.ContinueWith(_ => Volatile.Write(ref _customRun, 0), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return run;
        }
        catch
        {
            Volatile.Write(ref _customRun, 0);
            throw;
        }
    }

    /// <summary>Whether a training run (of either <c>TrainAsync</c>) is in progress.</summary>
    public bool IsTraining => Trainer.IsRunning || Volatile.Read(ref _customRun) != 0;

    /// <summary>Puts the previous head back in service (atomic on disk, between two frames in the pipeline).</summary>
    /// <returns>The version now in service.</returns>
    public HeadVersion Rollback()
    {
        var version = Heads.Rollback();
        Pipeline.SwapHead(Heads.ReadCurrent(), version.Name);
        return version;
    }

    /// <summary>Inspects one encoded image (PNG, JPEG, BMP) outside the loop.</summary>
    /// <param name="path">The image file.</param>
    /// <exception cref="InvalidSettingException">Missing, not a regular file (a directory, a FIFO, a device) or larger than the decoder's limit.</exception>
    public Verdict Infer(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Checked as a regular file within the pipeline decoder's limit before it is opened: /dev/zero, a FIFO
        // or a huge file must not cost the device its memory or hang it.
        var bytes = BoundedFile.ReadAllBytes(path, ImageDecoderOptions.DefaultMaxBytes, reason => new InvalidSettingException("<image>", $"'{path}' cannot be inspected: {reason}"));
        return Pipeline.InspectEncoded(bytes, Path.GetFileName(path));
    }

    /// <summary>Stops inspection (if running); the store and registry stay open.</summary>
    public async Task StopInspectionAsync()
    {
        var loop = Interlocked.Exchange(ref _loop, null);
        if (loop is not null)
        {
            loop.VerdictReady -= OnVerdict;
            await loop.DisposeAsync();
        }

        StopCollecting();
        _reject?.Dispose();
        _reject = null;
        _trigger?.Dispose();
        _trigger = null;
        var source = Interlocked.Exchange(ref _source, null);
        if (source is not null)
        {
            await source.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopInspectionAsync();
        Pipeline.Dispose();
        Samples.Dispose();
        Heads.Dispose();
        Anomaly.Dispose();
    }

    private void OnAnomalyModelChanged(object? sender, AnomalyModelChangedEventArgs e) => Pipeline.SwapAnomalyModel(e.Model, e.Version.Name);

    private void OnVerdict(object? sender, VerdictEventArgs e)
    {
        var session = Volatile.Read(ref _collect);
        if (session is null)
        {
            return;
        }

        var label = session.Label == AutoLabel ? e.Verdict.Label : session.Label;
        if (label is null || !Bundle.Classes.Contains(label, StringComparer.Ordinal))
        {
            return;
        }

        var last = Pipeline.GetLastFrame();
        if (last is null || last.FrameId != e.Verdict.FrameId)
        {
            return;
        }

        var (sample, _) = _frames.Label(label, last.Features, last.FrameId.ToString(CultureInfo.InvariantCulture), ViewsOf(last.FrameId));
        SampleStored?.Invoke(this, sample);
        if (session.Count())
        {
            lock (_collectGate)
            {
                if (ReferenceEquals(Volatile.Read(ref _collect), session))
                {
                    Volatile.Write(ref _collect, null);
                }
            }
        }
    }

    // The augmented views of a frame, rendered only when the frame gets a new sample (training.augmentation).
    private Func<IReadOnlyList<float[]>?>? ViewsOf(long frameId) =>
        _augmenter is { } augmenter ? () => Pipeline.AugmentedFeatures(frameId, augmenter) : null;

    private sealed class CollectSession(string label, int? limit)
    {
        private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stored;

        public string Label { get; } = label;

        public int Stored => Volatile.Read(ref _stored);

        public Task<int> Completion => _done.Task;

        // True when the limit is reached (and the session completed).
        public bool Count()
        {
            var stored = Interlocked.Increment(ref _stored);
            if (limit is { } max && stored >= max)
            {
                _done.TrySetResult(stored);
                return true;
            }

            return false;
        }

        public void Complete() => _done.TrySetResult(Stored);
    }
}
