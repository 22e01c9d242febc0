using System.Globalization;
using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>
/// The anomaly side of a device: the model registry of the bundle, the model in service (loaded and
/// verified), fitting from good images and rollback. A promoted or rolled-back model is announced by
/// <see cref="ModelChanged"/> so the inspection pipeline takes it between two frames.
/// </summary>
/// <remarks>
/// A model file damaged after it was loaded changes nothing: the model in memory keeps serving, and the
/// damage is reported when the registry is next opened.
/// </remarks>
public sealed class DeviceAnomaly : IDisposable
{
    private readonly DeviceBundle _bundle;
    private readonly DeviceOptions _options;
    private readonly Lock _gate = new();
    private AnomalyModel? _model;
    private int _fitting;

    private DeviceAnomaly(DeviceBundle bundle, DeviceOptions options, AnomalyModelRegistry registry, AnomalyModel? model)
    {
        _bundle = bundle;
        _options = options;
        Registry = registry;
        _model = model;
    }

    /// <summary>Raised after a fit was promoted or a rollback done, with the model now in service.</summary>
    public event EventHandler<AnomalyModelChangedEventArgs>? ModelChanged;

    /// <summary>The versioned anomaly models of the bundle.</summary>
    public AnomalyModelRegistry Registry { get; }

    /// <summary>The model in service (verified when loaded), or null before the first fit.</summary>
    public AnomalyModel? Model
    {
        get
        {
            lock (_gate)
            {
                return _model;
            }
        }
    }

    /// <summary>Whether the bundle has the patch features an anomaly model reads.</summary>
    public bool BundleHasPatchFeatures => _bundle.Manifest.PatchFeatures is not null;

    /// <summary>
    /// A backbone already open with patch maps that fits read images with (the host sets the inspection pipeline);
    /// null, or a source without patch maps (mode <c>classify</c>): a fit opens its own backbone session.
    /// </summary>
    public IPatchMapSource? SharedBackbone { get; set; }

    /// <summary>Whether a fit is in progress.</summary>
    public bool IsFitting => Volatile.Read(ref _fitting) != 0;

    /// <summary>
    /// Opens the registry under <c>store.path/anomaly</c> and loads the model in service. When
    /// <c>inspection.mode</c> needs the anomaly model, the bundle must have patch features; a model need not
    /// be fitted yet (so that <c>fit</c> and <c>status</c> work), but inspection is refused until one is
    /// (<see cref="ThrowIfNotReady"/>).
    /// </summary>
    /// <param name="options">The validated configuration.</param>
    /// <param name="bundle">The verified bundle in use.</param>
    /// <param name="timeProvider">The clock of the created-at times; the system clock when null.</param>
    /// <exception cref="InvalidSettingException">The mode needs patch features and the bundle has none (with how to get them).</exception>
    /// <exception cref="AnomalyRegistryException">The registry is in use by another process or cannot be written.</exception>
    /// <exception cref="AnomalyModelException">The model in service was damaged between opening and reading.</exception>
    public static DeviceAnomaly Open(DeviceOptions options, DeviceBundle bundle, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(bundle);
        var mode = options.Inspection.Mode;
        if (mode != InspectionMode.Classify && bundle.Manifest.PatchFeatures is null)
        {
            throw new InvalidSettingException("inspection.mode", $"\"{Name(mode)}\" needs a bundle with patch features, and bundle '{bundle.BundleId}' has none (format {bundle.Manifest.FormatVersion}, or prepared with --patch-layers none). Prepare the bundle again with the default --patch-layers, or use \"classify\".");
        }

        var registry = AnomalyModelRegistry.Open(options.Store.AnomalyPath, bundle.BundleId, options.Inspection.Anomaly.KeepModels, timeProvider);
        try
        {
            return new DeviceAnomaly(bundle, options, registry, registry.ReadCurrent());
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    /// <summary>Fits from good images, gates and promotes; a promoted model goes into service at once.</summary>
    /// <param name="goodFolder">A flat folder of good images, or an MVTec AD category.</param>
    /// <param name="defectFolder">Optional labelled defects, to compare AUROC in the gate.</param>
    /// <param name="progress">Told per image read and per fit step; may be null.</param>
    /// <param name="cancellationToken">Stops the fit; nothing is promoted then.</param>
    /// <exception cref="InvalidOperationException">A fit is already running.</exception>
    /// <exception cref="InvalidSettingException">An <c>inspection.anomaly</c> setting is out of range (options built in code and not validated).</exception>
    /// <exception cref="TrainingException">Too few good images (naming <c>inspection.anomaly.minGoodParts</c> when that setting raised the minimum), too few of them could be read, or too few are different parts rather than copies of one another.</exception>
    public AnomalyFitOutcome Fit(string goodFolder, string? defectFolder = null, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _fitting, 1) != 0)
        {
            throw new InvalidOperationException("An anomaly fit is already running; wait for it to finish.");
        }

        try
        {
            // The fit may use the cores the backbone is configured for (0 = one per core), as inspection does.
            var threads = _options.ExecutionProvider.IntraOpThreads > 0 ? _options.ExecutionProvider.IntraOpThreads : Environment.ProcessorCount;
            var anomaly = _options.Inspection.Anomaly;

            // A host that builds its options in code may not have validated them: name the device.json key, not the fitter's.
            AnomalyOptionsChecks.Check(anomaly, (key, reason) => throw new InvalidSettingException(key, reason));
            var fitOptions = new AnomalyFitOptions { TargetFalseRejectRate = anomaly.TargetFalseRejectRate, MinGoodSamples = anomaly.MinGoodParts, Threads = threads };
            var images = CheckMinimum(goodFolder, anomaly.MinGoodParts);
            var fitter = new OnDeviceAnomalyFitter(_bundle, Registry, fitOptions, backbone: BackboneOptions.FromConfiguration(_options.ExecutionProvider), shared: SharedBackbone);
            AnomalyFitOutcome outcome;
            try
            {
                outcome = fitter.Fit(goodFolder, defectFolder, progress, cancellationToken);
            }
            catch (TrainingException ex) when (images > 0 && ex.Data[AnomalyFitter.TooFewGoodSamplesKey] is int arrived)
            {
                // Enough image files, but unreadable ones left fewer parts than the plant's minimum.
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Of the {images} good images in '{goodFolder}', only {arrived} could be read; inspection.anomaly.minGoodParts in device.json asks for at least {anomaly.MinGoodParts}. Replace the unreadable images or add more, or lower the setting; the model in service is unchanged."), ex);
            }
            catch (TrainingException ex) when (images > 0 && ex.Data[AnomalyFitter.CopiesKey] is int copies && ex.Data[AnomalyFitter.ArrivedKey] is int arrivedImages && ex.Data[AnomalyFitter.CopyExamplesKey] is string examples)
            {
                var distinct = arrivedImages - copies;
                // The minimum counts different parts, and it is the plant's own setting that a folder of copies falls short of.
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"Of the {arrivedImages} good images read from '{goodFolder}', {AnomalyFitter.CopiesOfOthers(copies, "is", "are")} ({examples}), which leaves {distinct} different {(distinct == 1 ? "part" : "parts")}; inspection.anomaly.minGoodParts in device.json asks for at least {anomaly.MinGoodParts}. A copy adds nothing to the model and would put the threshold near zero. Add images of different good parts; the model in service is unchanged."), ex);
            }

            if (outcome.Promoted is { } version)
            {
                PutInService(outcome.Fit.Model, version);
            }

            return outcome;
        }
        finally
        {
            Volatile.Write(ref _fitting, 0);
        }
    }

    /// <summary>Puts the previous model back in service (as a new version) and announces it.</summary>
    /// <exception cref="AnomalyRegistryException">There is nothing to roll back to; the model in service stays.</exception>
    public AnomalyModelVersion Rollback()
    {
        var version = Registry.Rollback();
        PutInService(AnomalyModelFile.Read(version.Path), version);
        return version;
    }

    /// <summary>
    /// The inspection pipeline's anomaly step for the configured mode, with the model in service; null in
    /// mode <c>classify</c>.
    /// </summary>
    public AnomalyStage? CreateStage()
    {
        var inspection = _options.Inspection;
        return inspection.Mode == InspectionMode.Classify
            ? null
            : new AnomalyStage(inspection.Mode, inspection.Anomaly.IncludeMap, Model, Registry.Current?.Name, NotReadyMessage);
    }

    /// <summary>Refuses to inspect in mode <c>anomaly</c> or <c>both</c> while no model is in service, saying how to fit one.</summary>
    /// <exception cref="InvalidSettingException">The mode needs a model and none is fitted.</exception>
    public void ThrowIfNotReady()
    {
        if (_options.Inspection.Mode != InspectionMode.Classify && Model is null)
        {
            throw new InvalidSettingException("inspection.mode", NotReadyMessage());
        }
    }

    /// <inheritdoc />
    public void Dispose() => Registry.Dispose();

    private string NotReadyMessage() =>
        $"\"{Name(_options.Inspection.Mode)}\" needs a fitted anomaly model, and none is in service yet. Fit one from good parts first: edgetransfer-device fit --data <folder of good images> (or the MQTT 'fit' command); use \"classify\" until then.";

    private static string Name(InspectionMode mode) => mode.ToString().ToLowerInvariant();

    // A minimum raised in device.json is a plant's rule, not the fitter's: say so, before any image is decoded. Returns
    // the number of good image files (0 when the minimum is the fitter's own and nothing was counted).
    private static int CheckMinimum(string goodFolder, int minimum)
    {
        if (minimum <= new AnomalyFitOptions().MinGoodSamples)
        {
            return 0;
        }

        var good = AnomalyImageFolders.OpenGood(goodFolder).Entries.Count;
        if (good < minimum)
        {
            throw new TrainingException(string.Create(CultureInfo.InvariantCulture, $"There {(good == 1 ? "is only 1 good image" : $"are only {good} good images")} in '{goodFolder}'; inspection.anomaly.minGoodParts in device.json asks for at least {minimum}. Put more good images there, or lower the setting; the model in service is unchanged."));
        }

        return good;
    }

    private void PutInService(AnomalyModel model, AnomalyModelVersion version)
    {
        lock (_gate)
        {
            _model = model;
        }

        ModelChanged?.Invoke(this, new AnomalyModelChangedEventArgs(model, version));
    }
}
