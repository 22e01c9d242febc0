using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>
/// The versioned anomaly models of one bundle on the device: <c>a0001.etam</c>, <c>a0002.etam</c> … and a
/// <c>current</c> pointer file naming the version in service (none until the first fit).
/// </summary>
/// <remarks>
/// <para>
/// The same commit protocol as the head registry (both are a <see cref="VersionedRegistry{TContent, TVersion}"/>,
/// with <see cref="AnomalyVersionFormat"/> for what is specific to anomaly models): the model file is written atomically with its SHA-256,
/// then the pointer is rewritten atomically; the pointer is the commit point, so power lost at any moment
/// leaves the old model in service or the new one, never half of one. A version's registry facts (bundle,
/// created at, source, previous) are kept in the model file's metadata, under its SHA-256.
/// </para>
/// <para>
/// On open every version is verified: temporary files are removed, a damaged version is ignored, a pointer
/// that is damaged or names a damaged version falls back to the newest intact version at or below it, and
/// a version above the pointer (a promotion cut off before the pointer moved) is removed. Each repair is
/// listed in <see cref="Issues"/>. Thread-safe; a <c>.lock</c> file keeps a second process out.
/// </para>
/// </remarks>
public sealed class AnomalyModelRegistry : IDisposable
{
    /// <summary>The name of the pointer file.</summary>
    public const string PointerFileName = VersionedRegistry<AnomalyModel, AnomalyModelVersion>.PointerFileName;

    /// <summary>The default number of versions kept (the rollback chain is always kept besides).</summary>
    public const int DefaultKeep = 5;

    private readonly VersionedRegistry<AnomalyModel, AnomalyModelVersion> _registry;

    private AnomalyModelRegistry(VersionedRegistry<AnomalyModel, AnomalyModelVersion> registry)
    {
        _registry = registry;
    }

    /// <summary>The full path of the anomaly models directory.</summary>
    public string DirectoryPath => _registry.DirectoryPath;

    /// <summary>The bundle whose models this registry holds; versions of another bundle are ignored.</summary>
    public string BundleId => _registry.BundleId;

    /// <summary>The version in service, or null before the first fit.</summary>
    public AnomalyModelVersion? Current => _registry.Current;

    /// <summary>Every intact version on the disk, oldest first.</summary>
    public IReadOnlyList<AnomalyModelVersion> Versions => _registry.Versions;

    /// <summary>What was found damaged or unfinished when the registry was opened, and what was done about it.</summary>
    public IReadOnlyList<string> Issues => _registry.Issues;

    /// <summary>The file name stem of a version: <c>a0003</c>.</summary>
    /// <param name="number">The version number.</param>
    public static string VersionName(int number) => AnomalyVersionFormat.Instance.VersionName(number);

    /// <summary>Opens (creating if needed) the registry in <paramref name="directory"/> and finds the model in service.</summary>
    /// <param name="directory">The anomaly models directory.</param>
    /// <param name="bundleId">The id of the bundle in use.</param>
    /// <param name="keep">How many versions to keep, at least 2. Default <see cref="DefaultKeep"/>.</param>
    /// <param name="timeProvider">The clock of the created-at times; null for the system clock.</param>
    /// <exception cref="AnomalyRegistryException">Another process has the registry open, or the directory cannot be used.</exception>
    public static AnomalyModelRegistry Open(string directory, string bundleId, int keep = DefaultKeep, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(bundleId);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 2);
        var full = Path.GetFullPath(directory);
        return new AnomalyModelRegistry(VersionedRegistry<AnomalyModel, AnomalyModelVersion>.Open(
            full, bundleId, AnomalyVersionFormat.Instance, keep, timeProvider ?? TimeProvider.System, typeof(AnomalyModelRegistry)));
    }

    /// <summary>Reads and verifies the model in service, or returns null before the first fit.</summary>
    /// <exception cref="AnomalyModelException">The file was damaged after the registry was opened.</exception>
    public AnomalyModel? ReadCurrent() => _registry.ReadCurrent();

    /// <summary>
    /// Puts a fitted model in service: its file is written and fsync'ed, then the pointer is switched
    /// atomically. Call it only for a model the <see cref="AnomalyQualityGate"/> accepted.
    /// </summary>
    /// <param name="fit">The fit whose model is promoted; its held-out false-reject rate and AUROC are recorded.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="AnomalyRegistryException">A write failed; the model in service is unchanged.</exception>
    public AnomalyModelVersion Promote(AnomalyFitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var frr = AnomalyMetrics.FalseRejectRate([.. fit.HeldOutScores], fit.Threshold.Value);
        return _registry.Promote(fit.Model, "fitted", AnomalyVersionFormat.FitMetadata(frr, fit.ImageAuroc));
    }

    /// <summary>
    /// Returns to the version that was in service before the current one, by promoting a copy of it as a new
    /// version; calling it again goes one step further back.
    /// </summary>
    /// <exception cref="AnomalyRegistryException">There is no previous version, or it is damaged; the model in service is unchanged.</exception>
    public AnomalyModelVersion Rollback() => _registry.Rollback();

    /// <inheritdoc />
    public void Dispose() => _registry.Dispose();
}
