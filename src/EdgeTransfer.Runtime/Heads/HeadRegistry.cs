using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Heads;

/// <summary>
/// The versioned heads of one bundle on the device: <c>v0001.etck</c>, <c>v0002.etck</c> … and a
/// <c>current</c> pointer file naming the version in service.
/// </summary>
/// <remarks>
/// <para>
/// A promotion writes the new checkpoint atomically (temporary file, fsync, rename, directory fsync) and then
/// rewrites <c>current</c> the same way: the pointer is the commit point. Power lost at any moment leaves the
/// old pointer and the old head, or the new pointer and the new head, never half of one.
/// </para>
/// <para>
/// The metadata of a version (bundle, created at, source, previous version, validation metrics) lives in its
/// checkpoint's header, under the checkpoint's SHA-256: one file holds a version whole.
/// </para>
/// <para>
/// On open every checkpoint is verified. Temporary files are removed; a damaged or unreadable pointer, or one
/// naming a damaged version, falls back to the newest intact version it can trust; a version written after the
/// one in service by a promotion that did not finish is removed. Each such repair is listed in <see cref="Issues"/>.
/// </para>
/// <para>Thread-safe. A <c>.lock</c> file keeps a second process from opening the same registry.</para>
/// <para>
/// The commit protocol, the repairs and the pruning are shared with the anomaly model registry
/// (<see cref="VersionedRegistry{TContent, TVersion}"/>); <see cref="HeadVersionFormat"/> is what is specific to heads.
/// </para>
/// </remarks>
public sealed class HeadRegistry : IDisposable
{
    /// <summary>The name of the pointer file.</summary>
    public const string PointerFileName = VersionedRegistry<HeadCheckpoint, HeadVersion>.PointerFileName;

    internal const string KeyBundle = HeadVersionFormat.KeyBundle;

    private readonly VersionedRegistry<HeadCheckpoint, HeadVersion> _registry;

    private HeadRegistry(VersionedRegistry<HeadCheckpoint, HeadVersion> registry)
    {
        _registry = registry;
    }

    /// <summary>The full path of the heads directory.</summary>
    public string DirectoryPath => _registry.DirectoryPath;

    /// <summary>The bundle whose heads this registry holds; versions of another bundle are ignored.</summary>
    public string BundleId => _registry.BundleId;

    /// <summary>The version in service, or null while the registry is empty.</summary>
    public HeadVersion? Current => _registry.Current;

    /// <summary>The version <see cref="Rollback"/> would return to, or null when there is none.</summary>
    public HeadVersion? Previous => _registry.Previous;

    /// <summary>Every intact version on the disk, oldest first.</summary>
    public IReadOnlyList<HeadVersion> Versions => _registry.Versions;

    /// <summary>What was found damaged or unfinished when the registry was opened, and what was done about it.</summary>
    public IReadOnlyList<string> Issues => _registry.Issues;

    /// <summary>The file name stem of a version: <c>v0003</c>.</summary>
    /// <param name="number">The version number.</param>
    public static string VersionName(int number) => HeadVersionFormat.Instance.VersionName(number);

    /// <summary>Opens (creating if needed) the registry in <paramref name="directory"/> and finds the head in service.</summary>
    /// <param name="directory">The heads directory.</param>
    /// <param name="bundleId">The id of the bundle in use.</param>
    /// <param name="options">How many versions to keep; null for the defaults.</param>
    /// <param name="timeProvider">The clock of the created-at times; null for the system clock.</param>
    /// <exception cref="HeadRegistryException">Another process has the registry open, or the directory cannot be used.</exception>
    public static HeadRegistry Open(string directory, string bundleId, HeadRegistryOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(bundleId);
        options ??= new HeadRegistryOptions();
        options.Validate();
        var full = Path.GetFullPath(directory);
        return new HeadRegistry(VersionedRegistry<HeadCheckpoint, HeadVersion>.Open(
            full, bundleId, HeadVersionFormat.Instance, options.KeepHeads, timeProvider ?? TimeProvider.System, typeof(HeadRegistry)));
    }

    /// <summary>
    /// Opens the registry for <paramref name="bundle"/> and, when it holds no head yet, puts the bundle's initial
    /// checkpoint in service as the first version.
    /// </summary>
    /// <param name="directory">The heads directory.</param>
    /// <param name="bundle">The verified bundle in use.</param>
    /// <param name="options">How many versions to keep; null for the defaults.</param>
    /// <param name="timeProvider">The clock of the created-at times; null for the system clock.</param>
    public static HeadRegistry OpenForBundle(string directory, Bundle bundle, HeadRegistryOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var registry = Open(directory, bundle.Manifest.BundleId, options, timeProvider);
        try
        {
            if (registry.Current is null)
            {
                registry.Initialize(bundle.ReadCheckpoint());
            }

            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    /// <summary>Puts <paramref name="initial"/> in service as the first version when the registry is empty.</summary>
    /// <param name="initial">The bundle's initial checkpoint.</param>
    /// <returns>The version in service (the existing one when the registry was not empty).</returns>
    public HeadVersion Initialize(HeadCheckpoint initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return _registry.InitializeIfEmpty(initial, SourceName(HeadSource.Initial));
    }

    /// <summary>
    /// Puts a trained head in service: its checkpoint is written and fsync'ed, then the pointer is switched
    /// atomically. Call it only for a head the <see cref="QualityGate"/> accepted.
    /// </summary>
    /// <param name="checkpoint">The trained head (same parameter names and shapes as the head in service).</param>
    /// <param name="metrics">Its validation metrics, recorded with the version.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">The checkpoint's parameters differ from the head in service.</exception>
    /// <exception cref="HeadRegistryException">A write failed; the head in service is unchanged.</exception>
    public HeadVersion Promote(HeadCheckpoint checkpoint, HeadMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(metrics);
        return _registry.Promote(checkpoint, SourceName(HeadSource.Trained), HeadVersionFormat.MetricsMetadata(metrics), current => CheckSameParameters(checkpoint, current));
    }

    /// <summary>
    /// Returns to the version that was in service before the current one, by promoting a copy of it as a new
    /// version (source <see cref="HeadSource.Rollback"/>); calling it again goes one step further back.
    /// </summary>
    /// <returns>The new version (a copy of the previous one).</returns>
    /// <exception cref="HeadRegistryException">There is no previous version, or it is damaged; the head in service is unchanged.</exception>
    public HeadVersion Rollback() => _registry.Rollback();

    /// <summary>Reads and verifies the checkpoint of the head in service.</summary>
    /// <exception cref="HeadRegistryException">The registry is empty.</exception>
    /// <exception cref="CheckpointException">The file was damaged after the registry was opened.</exception>
    public HeadCheckpoint ReadCurrent() =>
        _registry.ReadCurrent() ?? throw new HeadRegistryException(DirectoryPath, "it holds no head yet; open it with the bundle (OpenForBundle) to start from the bundle's checkpoint.");

    /// <summary>Reads and verifies the checkpoint of version <paramref name="version"/>.</summary>
    /// <param name="version">A version of this registry.</param>
    /// <exception cref="CheckpointException">The file is missing or damaged.</exception>
    public HeadCheckpoint Read(HeadVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _registry.Read(version);
    }

    /// <inheritdoc />
    public void Dispose() => _registry.Dispose();

    private static string SourceName(HeadSource source) => source.ToString().ToLowerInvariant();

    private static void CheckSameParameters(HeadCheckpoint candidate, HeadCheckpoint current)
    {
        var expected = current.Parameters.Select(p => $"{p.Name}[{string.Join(",", p.Shape)}]");
        var actual = candidate.Parameters.Select(p => $"{p.Name}[{string.Join(",", p.Shape)}]");
        if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The candidate head has parameters {string.Join(" ", actual)}; the head in service has {string.Join(" ", expected)}. A head of another shape cannot replace it.", nameof(candidate));
        }
    }
}
