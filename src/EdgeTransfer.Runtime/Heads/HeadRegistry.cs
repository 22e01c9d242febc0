using System.Globalization;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Storage;

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
/// </remarks>
public sealed class HeadRegistry : IDisposable
{
    /// <summary>The name of the pointer file.</summary>
    public const string PointerFileName = "current";

    private const string KeyVersion = "headVersion";
    internal const string KeyBundle = "registry.bundleId";
    private const string KeyCreated = "registry.createdAt";
    private const string KeySource = "registry.source";
    private const string KeyPrevious = "registry.previous";
    private const string KeyRestored = "registry.restoredFrom";
    private const string KeyAccuracy = "metrics.validationAccuracy";
    private const string KeyValidation = "metrics.validationSamples";
    private const string KeyTraining = "metrics.trainingSamples";
    private const string KeyClassCount = "metrics.classes";

    private readonly Lock _gate = new();
    private readonly HeadRegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly DirectoryLock _lock;
    private readonly List<string> _issues = [];
    private readonly SortedDictionary<int, HeadVersion> _versions = [];
    private HeadVersion? _current;
    private bool _disposed;

    private HeadRegistry(string directory, string bundleId, HeadRegistryOptions options, TimeProvider time, DirectoryLock directoryLock)
    {
        DirectoryPath = directory;
        BundleId = bundleId;
        _options = options;
        _time = time;
        _lock = directoryLock;
    }

    /// <summary>The full path of the heads directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The bundle whose heads this registry holds; versions of another bundle are ignored.</summary>
    public string BundleId { get; }

    /// <summary>The version in service, or null while the registry is empty.</summary>
    public HeadVersion? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The version <see cref="Rollback"/> would return to, or null when there is none.</summary>
    public HeadVersion? Previous
    {
        get
        {
            lock (_gate)
            {
                return _current?.Previous is { } p && _versions.TryGetValue(p, out var previous) ? previous : null;
            }
        }
    }

    /// <summary>Every intact version on the disk, oldest first.</summary>
    public IReadOnlyList<HeadVersion> Versions
    {
        get
        {
            lock (_gate)
            {
                return [.. _versions.Values];
            }
        }
    }

    /// <summary>What was found damaged or unfinished when the registry was opened, and what was done about it.</summary>
    public IReadOnlyList<string> Issues
    {
        get
        {
            lock (_gate)
            {
                return [.. _issues];
            }
        }
    }

    /// <summary>The file name stem of a version: <c>v0003</c>.</summary>
    /// <param name="number">The version number.</param>
    public static string VersionName(int number) => string.Create(CultureInfo.InvariantCulture, $"v{number:D4}");

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
        var directoryLock = DirectoryLock.Acquire(full, nameof(HeadRegistry), (reason, ex) => new HeadRegistryException(full, reason, ex));
        var registry = new HeadRegistry(full, bundleId, options, timeProvider ?? TimeProvider.System, directoryLock);
        try
        {
            registry.Recover();
            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
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
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _current ?? PromoteCore(initial, HeadSource.Initial, null, null, null);
        }
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
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not null)
            {
                CheckSameParameters(checkpoint, ReadVersion(_current));
            }

            return PromoteCore(checkpoint, HeadSource.Trained, _current?.Number, null, metrics);
        }
    }

    /// <summary>
    /// Returns to the version that was in service before the current one, by promoting a copy of it as a new
    /// version (source <see cref="HeadSource.Rollback"/>); calling it again goes one step further back.
    /// </summary>
    /// <returns>The new version (a copy of the previous one).</returns>
    /// <exception cref="HeadRegistryException">There is no previous version, or it is damaged; the head in service is unchanged.</exception>
    public HeadVersion Rollback()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null)
            {
                throw new HeadRegistryException(DirectoryPath, "it holds no head yet, so there is nothing to roll back.");
            }

            if (_current.Previous is not { } previousNumber)
            {
                throw new HeadRegistryException(DirectoryPath, $"{_current.Name} is the first head of this bundle; there is no earlier head to roll back to.");
            }

            if (!_versions.TryGetValue(previousNumber, out var previous))
            {
                throw new HeadRegistryException(DirectoryPath, $"the head before {_current.Name}, {VersionName(previousNumber)}, is missing or damaged; {_current.Name} stays in service.");
            }

            HeadCheckpoint checkpoint;
            try
            {
                checkpoint = ReadVersion(previous);
            }
            catch (CheckpointException ex)
            {
                throw new HeadRegistryException(DirectoryPath, $"the head before {_current.Name}, {previous.Name}, is damaged ({ex.Reason}); {_current.Name} stays in service.", ex);
            }

            return PromoteCore(checkpoint, HeadSource.Rollback, previous.Previous, previous.Number, previous.Metrics);
        }
    }

    /// <summary>Reads and verifies the checkpoint of the head in service.</summary>
    /// <exception cref="HeadRegistryException">The registry is empty.</exception>
    /// <exception cref="CheckpointException">The file was damaged after the registry was opened.</exception>
    public HeadCheckpoint ReadCurrent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _current is null
                ? throw new HeadRegistryException(DirectoryPath, "it holds no head yet; open it with the bundle (OpenForBundle) to start from the bundle's checkpoint.")
                : ReadVersion(_current);
        }
    }

    /// <summary>Reads and verifies the checkpoint of version <paramref name="version"/>.</summary>
    /// <param name="version">A version of this registry.</param>
    /// <exception cref="CheckpointException">The file is missing or damaged.</exception>
    public HeadCheckpoint Read(HeadVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadVersion(version);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _lock.Dispose();
        }
    }

    private static int ParseVersionFile(string fileName)
    {
        // vNNNN.etck with 4 to 9 digits; temporary files (v0003.etck.1a2b3c4d.tmp-write) do not match.
        if (fileName.Length < 10 || fileName[0] != 'v' || !fileName.EndsWith(CheckpointFile.Extension, StringComparison.Ordinal))
        {
            return 0;
        }

        var digits = fileName[1..^CheckpointFile.Extension.Length];
        return digits.Length is >= 4 and <= 9 && digits.All(char.IsAsciiDigit) ? int.Parse(digits, CultureInfo.InvariantCulture) : 0;
    }

    private static int ParsePointer(string text)
    {
        var name = text.Trim();
        return name.Length >= 5 ? ParseVersionFile(name + CheckpointFile.Extension) : 0;
    }

    private static void CheckSameParameters(HeadCheckpoint candidate, HeadCheckpoint current)
    {
        var expected = current.Parameters.Select(p => $"{p.Name}[{string.Join(",", p.Shape)}]");
        var actual = candidate.Parameters.Select(p => $"{p.Name}[{string.Join(",", p.Shape)}]");
        if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The candidate head has parameters {string.Join(" ", actual)}; the head in service has {string.Join(" ", expected)}. A head of another shape cannot replace it.", nameof(candidate));
        }
    }

    private string PathOf(int number) => Path.Combine(DirectoryPath, VersionName(number) + CheckpointFile.Extension);

    private static HeadCheckpoint ReadVersion(HeadVersion version) => CheckpointFile.Read(version.Path, Path.GetDirectoryName(version.Path)!);

    private void Recover()
    {
        foreach (var temp in Directory.EnumerateFiles(DirectoryPath, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(temp);
            _issues.Add($"{Path.GetFileName(temp)}: removed a temporary file of a write that did not finish.");
        }

        var damaged = new SortedSet<int>();
        foreach (var path in Directory.EnumerateFiles(DirectoryPath, "v*" + CheckpointFile.Extension))
        {
            var number = ParseVersionFile(Path.GetFileName(path));
            if (number <= 0)
            {
                continue;
            }

            try
            {
                var checkpoint = CheckpointFile.Read(path, DirectoryPath);
                var problem = Describe(checkpoint, number, path, out var version);
                if (problem is null)
                {
                    _versions[number] = version!;
                }
                else
                {
                    damaged.Add(number);
                    _issues.Add($"{Path.GetFileName(path)}: {problem}; ignored.");
                }
            }
            catch (CheckpointException ex)
            {
                damaged.Add(number);
                _issues.Add($"{Path.GetFileName(path)}: damaged ({ex.Reason}); ignored.");
            }
        }

        var pointerPath = Path.Combine(DirectoryPath, PointerFileName);
        var pointed = 0;
        string? pointerProblem = null;
        try
        {
            if (File.Exists(pointerPath))
            {
                pointed = ParsePointer(HeadPointerFile.ReadText(DirectoryPath, pointerPath));
                if (pointed == 0)
                {
                    pointerProblem = $"the pointer file \"{PointerFileName}\" does not name a version";
                }
                else if (!_versions.ContainsKey(pointed))
                {
                    pointerProblem = $"the pointer names {VersionName(pointed)}, which is {(damaged.Contains(pointed) ? "damaged" : "missing")}";
                }
            }
            else if (_versions.Count > 0 || damaged.Count > 0)
            {
                pointerProblem = $"the pointer file \"{PointerFileName}\" is missing (the first promotion did not finish)";
            }
        }
        catch (IOException ex)
        {
            pointerProblem = $"the pointer file \"{PointerFileName}\" cannot be read ({ex.Message})";
        }

        if (pointerProblem is null)
        {
            _current = pointed > 0 ? _versions[pointed] : null;
        }
        else
        {
            // Trust the newest intact version at or below what the pointer named: anything above it was never
            // committed. With no usable pointer at all, the newest intact version is the best there is.
            _current = _versions.Values.LastOrDefault(v => pointed == 0 || v.Number <= pointed) ?? _versions.Values.LastOrDefault();
            _issues.Add(_current is null
                ? $"{pointerProblem}, and no intact version is left; the registry starts empty."
                : $"{pointerProblem}; fell back to {_current.Name}, the newest intact head.");
        }

        // A version above the one the pointer names was written by a promotion that was cut off before the
        // pointer moved: it was never in service, so it goes. (A damaged version the pointer did name stays, to
        // be looked at; its number is never reused.) Without a usable pointer, only the intact versions are sure.
        var committed = pointed > 0 ? Math.Max(pointed, _current?.Number ?? 0) : _current?.Number ?? 0;
        var uncommitted = _versions.Keys.Where(n => n > committed).Concat(pointed > 0 ? damaged.Where(n => n > committed) : []);
        foreach (var number in uncommitted.ToList())
        {
            File.Delete(PathOf(number));
            _versions.Remove(number);
            _issues.Add($"{VersionName(number)}{CheckpointFile.Extension}: written by a promotion that did not finish (never in service); removed.");
        }

        if (pointerProblem is not null && _current is not null)
        {
            WritePointer(_current.Number);
            _issues.Add($"{PointerFileName}: rewritten to name {_current.Name}.");
        }
    }

    private string? Describe(HeadCheckpoint checkpoint, int number, string path, out HeadVersion? version)
    {
        version = null;
        var metadata = checkpoint.Metadata;
        if (!metadata.TryGetValue(KeyVersion, out var recorded) || recorded != number.ToString(CultureInfo.InvariantCulture))
        {
            return $"its metadata says version \"{recorded}\", not {number} (a renamed or foreign file)";
        }

        if (!metadata.TryGetValue(KeyBundle, out var bundle) || bundle != BundleId)
        {
            return $"it belongs to bundle \"{bundle}\", not to \"{BundleId}\"";
        }

        try
        {
            version = new HeadVersion
            {
                Number = number,
                Path = path,
                CreatedAt = DateTimeOffset.Parse(metadata[KeyCreated], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Source = Enum.Parse<HeadSource>(metadata[KeySource], ignoreCase: true),
                Previous = metadata.TryGetValue(KeyPrevious, out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : null,
                RestoredFrom = metadata.TryGetValue(KeyRestored, out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : null,
                Metrics = ReadMetrics(metadata),
            };
            return null;
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            return $"its registry metadata cannot be read ({ex.Message})";
        }
    }

    private static HeadMetrics? ReadMetrics(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(KeyAccuracy, out var accuracy))
        {
            return null;
        }

        var classes = int.Parse(metadata[KeyClassCount], CultureInfo.InvariantCulture);
        var perClass = new List<ClassMetrics>(classes);
        for (var i = 0; i < classes; i++)
        {
            perClass.Add(new ClassMetrics(
                metadata[$"metrics.class.{i}.name"],
                double.Parse(metadata[$"metrics.class.{i}.accuracy"], CultureInfo.InvariantCulture),
                int.Parse(metadata[$"metrics.class.{i}.samples"], CultureInfo.InvariantCulture)));
        }

        return new HeadMetrics(
            double.Parse(accuracy, CultureInfo.InvariantCulture),
            int.Parse(metadata[KeyValidation], CultureInfo.InvariantCulture),
            int.Parse(metadata[KeyTraining], CultureInfo.InvariantCulture),
            perClass);
    }

    private HeadVersion PromoteCore(HeadCheckpoint checkpoint, HeadSource source, int? previous, int? restoredFrom, HeadMetrics? metrics)
    {
        // Never reuse a number that a file (even a damaged one) still has: a path names one content forever.
        var existing = Directory.EnumerateFiles(DirectoryPath, "v*" + CheckpointFile.Extension).Select(p => ParseVersionFile(Path.GetFileName(p)));
        var number = Math.Max(_versions.Keys.DefaultIfEmpty(0).Max(), existing.DefaultIfEmpty(0).Max()) + 1;
        var createdAt = _time.GetUtcNow();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in checkpoint.Metadata)
        {
            if (!key.StartsWith("registry.", StringComparison.Ordinal) && !key.StartsWith("metrics.", StringComparison.Ordinal))
            {
                metadata[key] = value;
            }
        }

        metadata[KeyVersion] = number.ToString(CultureInfo.InvariantCulture);
        metadata[KeyBundle] = BundleId;
        metadata[KeyCreated] = createdAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        metadata[KeySource] = source.ToString().ToLowerInvariant();
        if (previous is { } p)
        {
            metadata[KeyPrevious] = p.ToString(CultureInfo.InvariantCulture);
        }

        if (restoredFrom is { } r)
        {
            metadata[KeyRestored] = r.ToString(CultureInfo.InvariantCulture);
        }

        if (metrics is not null)
        {
            metadata[KeyAccuracy] = metrics.ValidationAccuracy.ToString("R", CultureInfo.InvariantCulture);
            metadata[KeyValidation] = metrics.ValidationSamples.ToString(CultureInfo.InvariantCulture);
            metadata[KeyTraining] = metrics.TrainingSamples.ToString(CultureInfo.InvariantCulture);
            metadata[KeyClassCount] = metrics.PerClass.Count.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < metrics.PerClass.Count; i++)
            {
                metadata[$"metrics.class.{i}.name"] = metrics.PerClass[i].Name;
                metadata[$"metrics.class.{i}.accuracy"] = metrics.PerClass[i].Accuracy.ToString("R", CultureInfo.InvariantCulture);
                metadata[$"metrics.class.{i}.samples"] = metrics.PerClass[i].Samples.ToString(CultureInfo.InvariantCulture);
            }
        }

        var path = PathOf(number);
        try
        {
            // 1. The checkpoint: temporary file, fsync, rename, directory fsync (CheckpointFile.Write).
            CheckpointFile.Write(path, new HeadCheckpoint(checkpoint.Parameters, checkpoint.OptimizerState, checkpoint.Step, metadata));
        }
        catch (IOException ex)
        {
            throw new HeadRegistryException(DirectoryPath, $"writing {VersionName(number)} failed ({ex.Message}); {_current?.Name ?? "no head"} stays in service.", ex);
        }

        try
        {
            // 2. The commit point: the pointer names the new version, atomically.
            WritePointer(number);
        }
        catch (IOException ex)
        {
            TryDelete(path);
            throw new HeadRegistryException(DirectoryPath, $"switching the pointer to {VersionName(number)} failed ({ex.Message}); {_current?.Name ?? "no head"} stays in service.", ex);
        }

        var version = new HeadVersion
        {
            Number = number,
            Path = path,
            CreatedAt = DateTimeOffset.Parse(metadata[KeyCreated], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Source = source,
            Previous = previous,
            RestoredFrom = restoredFrom,
            Metrics = metrics,
        };
        _versions[number] = version;
        _current = version;
        Prune();
        return version;
    }

    private void WritePointer(int number) =>
        AtomicFile.WriteAllText(Path.Combine(DirectoryPath, PointerFileName), VersionName(number) + "\n");

    private void Prune()
    {
        var keep = _versions.Keys.OrderDescending().Take(_options.KeepHeads).ToHashSet();
        // The chain a rollback walks: the current head, the one before it, and the one before that (which
        // becomes "previous" after a rollback, so that a second rollback still has somewhere to go).
        var link = _current;
        for (var depth = 0; depth < 3 && link is not null; depth++)
        {
            keep.Add(link.Number);
            link = link.Previous is { } p && _versions.TryGetValue(p, out var before) ? before : null;
        }

        var files = Directory.EnumerateFiles(DirectoryPath, "v*" + CheckpointFile.Extension)
            .Select(p => ParseVersionFile(Path.GetFileName(p)))
            .Where(n => n > 0 && !keep.Contains(n) && n < (_current?.Number ?? 0))
            .ToList();
        foreach (var number in files)
        {
            TryDelete(PathOf(number));
            _versions.Remove(number);
        }

        if (files.Count > 0)
        {
            DirectorySync.Flush(DirectoryPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // An old version left behind is harmless; the next promotion tries again.
        }
    }
}
