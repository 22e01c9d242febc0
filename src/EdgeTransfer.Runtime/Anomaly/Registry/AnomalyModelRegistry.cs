using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>
/// The versioned anomaly models of one bundle on the device: <c>a0001.etam</c>, <c>a0002.etam</c> … and a
/// <c>current</c> pointer file naming the version in service (none until the first fit).
/// </summary>
/// <remarks>
/// <para>
/// The same commit protocol as the head registry: the model file is written atomically with its SHA-256,
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
    public const string PointerFileName = "current";

    /// <summary>The default number of versions kept (the rollback chain is always kept besides).</summary>
    public const int DefaultKeep = 5;

    private const string KeyVersion = "registry.version";
    private const string KeyBundle = "registry.bundleId";
    private const string KeyCreated = "registry.createdAt";
    private const string KeySource = "registry.source";
    private const string KeyPrevious = "registry.previous";
    private const string KeyRestored = "registry.restoredFrom";
    private const string KeyFrr = "fit.heldOutFalseRejectRate";
    private const string KeyAuroc = "fit.imageAuroc";

    private readonly Lock _gate = new();
    private readonly int _keep;
    private readonly TimeProvider _time;
    private readonly DirectoryLock _lock;
    private readonly List<string> _issues = [];
    private readonly SortedDictionary<int, AnomalyModelVersion> _versions = [];
    private AnomalyModelVersion? _current;
    private bool _disposed;

    private AnomalyModelRegistry(string directory, string bundleId, int keep, TimeProvider time, DirectoryLock directoryLock)
    {
        DirectoryPath = directory;
        BundleId = bundleId;
        _keep = keep;
        _time = time;
        _lock = directoryLock;
    }

    /// <summary>The full path of the anomaly models directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The bundle whose models this registry holds; versions of another bundle are ignored.</summary>
    public string BundleId { get; }

    /// <summary>The version in service, or null before the first fit.</summary>
    public AnomalyModelVersion? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Every intact version on the disk, oldest first.</summary>
    public IReadOnlyList<AnomalyModelVersion> Versions
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

    /// <summary>The file name stem of a version: <c>a0003</c>.</summary>
    /// <param name="number">The version number.</param>
    public static string VersionName(int number) => string.Create(CultureInfo.InvariantCulture, $"a{number:D4}");

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
        var directoryLock = DirectoryLock.Acquire(full, nameof(AnomalyModelRegistry), (reason, ex) => new AnomalyRegistryException(full, reason, ex));
        var registry = new AnomalyModelRegistry(full, bundleId, keep, timeProvider ?? TimeProvider.System, directoryLock);
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

    /// <summary>Reads and verifies the model in service, or returns null before the first fit.</summary>
    /// <exception cref="AnomalyModelException">The file was damaged after the registry was opened.</exception>
    public AnomalyModel? ReadCurrent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _current is null ? null : AnomalyModelFile.Read(_current.Path);
        }
    }

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
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return PromoteCore(fit.Model, AnomalyModelSource.Fitted, _current?.Number, null, frr, fit.ImageAuroc);
        }
    }

    /// <summary>
    /// Returns to the version that was in service before the current one, by promoting a copy of it as a new
    /// version; calling it again goes one step further back.
    /// </summary>
    /// <exception cref="AnomalyRegistryException">There is no previous version, or it is damaged; the model in service is unchanged.</exception>
    public AnomalyModelVersion Rollback()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null)
            {
                throw new AnomalyRegistryException(DirectoryPath, "no anomaly model has been fitted yet, so there is nothing to roll back.");
            }

            if (_current.Previous is not { } previousNumber)
            {
                throw new AnomalyRegistryException(DirectoryPath, $"{_current.Name} is the first anomaly model of this bundle; there is no earlier one to roll back to.");
            }

            if (!_versions.TryGetValue(previousNumber, out var previous))
            {
                throw new AnomalyRegistryException(DirectoryPath, $"the model before {_current.Name}, {VersionName(previousNumber)}, is missing or damaged; {_current.Name} stays in service.");
            }

            AnomalyModel model;
            try
            {
                model = AnomalyModelFile.Read(previous.Path);
            }
            catch (AnomalyModelException ex)
            {
                throw new AnomalyRegistryException(DirectoryPath, $"the model before {_current.Name}, {previous.Name}, is damaged ({ex.Reason}); {_current.Name} stays in service.", ex);
            }

            return PromoteCore(model, AnomalyModelSource.Rollback, previous.Previous, previous.Number, previous.HeldOutFalseRejectRate, previous.ImageAuroc);
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
        // aNNNN.etam with 4 to 9 digits; temporary files (a0003.etam.1a2b3c4d.tmp-write) do not match.
        if (fileName.Length < 10 || fileName[0] != 'a' || !fileName.EndsWith(AnomalyModelFile.Extension, StringComparison.Ordinal))
        {
            return 0;
        }

        var digits = fileName[1..^AnomalyModelFile.Extension.Length];
        return digits.Length is >= 4 and <= 9 && digits.All(char.IsAsciiDigit) ? int.Parse(digits, CultureInfo.InvariantCulture) : 0;
    }

    private string PathOf(int number) => Path.Combine(DirectoryPath, VersionName(number) + AnomalyModelFile.Extension);

    private IEnumerable<int> NumbersOnDisk() =>
        Directory.EnumerateFiles(DirectoryPath, "a*" + AnomalyModelFile.Extension).Select(p => ParseVersionFile(Path.GetFileName(p))).Where(n => n > 0);

    private void Recover()
    {
        foreach (var temp in Directory.EnumerateFiles(DirectoryPath, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(temp);
            _issues.Add($"{Path.GetFileName(temp)}: removed a temporary file of a write that did not finish.");
        }

        var damaged = new SortedSet<int>();
        foreach (var number in NumbersOnDisk().ToList())
        {
            var name = VersionName(number) + AnomalyModelFile.Extension;
            try
            {
                var model = AnomalyModelFile.Read(PathOf(number));
                var problem = Describe(model, number, out var version);
                if (problem is null)
                {
                    _versions[number] = version!;
                    continue;
                }

                _issues.Add($"{name}: {problem}; ignored.");
            }
            catch (AnomalyModelException ex)
            {
                _issues.Add($"{name}: damaged ({ex.Reason}); ignored.");
            }

            damaged.Add(number);
        }

        var (pointed, pointerProblem) = ReadPointer(damaged);
        if (pointerProblem is null)
        {
            _current = pointed > 0 ? _versions[pointed] : null;
        }
        else
        {
            // Trust the newest intact version at or below what the pointer named: anything above it was never committed.
            _current = _versions.Values.LastOrDefault(v => pointed == 0 || v.Number <= pointed) ?? _versions.Values.LastOrDefault();
            _issues.Add(_current is null
                ? $"{pointerProblem}, and no intact model is left; no anomaly model is in service."
                : $"{pointerProblem}; fell back to {_current.Name}, the newest intact model.");
        }

        // Versions above the committed one were written by a promotion cut off before the pointer moved.
        var committed = pointed > 0 ? Math.Max(pointed, _current?.Number ?? 0) : _current?.Number ?? 0;
        var uncommitted = _versions.Keys.Where(n => n > committed).Concat(pointed > 0 ? damaged.Where(n => n > committed) : []);
        foreach (var number in uncommitted.ToList())
        {
            File.Delete(PathOf(number));
            _versions.Remove(number);
            _issues.Add($"{VersionName(number)}{AnomalyModelFile.Extension}: written by a promotion that did not finish (never in service); removed.");
        }

        if (pointerProblem is not null && _current is not null)
        {
            WritePointer(_current.Number);
            _issues.Add($"{PointerFileName}: rewritten to name {_current.Name}.");
        }
    }

    private (int Pointed, string? Problem) ReadPointer(SortedSet<int> damaged)
    {
        var pointerPath = Path.Combine(DirectoryPath, PointerFileName);
        try
        {
            if (!File.Exists(pointerPath))
            {
                return (0, _versions.Count > 0 || damaged.Count > 0 ? $"the pointer file \"{PointerFileName}\" is missing (the first promotion did not finish)" : null);
            }

            var text = File.ReadAllText(pointerPath).Trim();
            var pointed = ParseVersionFile(text + AnomalyModelFile.Extension);
            return pointed == 0
                ? (0, $"the pointer file \"{PointerFileName}\" does not name a version")
                : _versions.ContainsKey(pointed)
                    ? (pointed, null)
                    : (pointed, $"the pointer names {VersionName(pointed)}, which is {(damaged.Contains(pointed) ? "damaged" : "missing")}");
        }
        catch (IOException ex)
        {
            return (0, $"the pointer file \"{PointerFileName}\" cannot be read ({ex.Message})");
        }
    }

    private string? Describe(AnomalyModel model, int number, out AnomalyModelVersion? version)
    {
        version = null;
        var metadata = model.Metadata;
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
            version = new AnomalyModelVersion
            {
                Number = number,
                Path = PathOf(number),
                CreatedAt = DateTimeOffset.Parse(metadata[KeyCreated], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Source = Enum.Parse<AnomalyModelSource>(metadata[KeySource], ignoreCase: true),
                Previous = OptionalInt(metadata, KeyPrevious),
                RestoredFrom = OptionalInt(metadata, KeyRestored),
                Threshold = model.Threshold.Value,
                BankPatches = model.Bank.Count,
                BankBytes = model.Bank.Bytes,
                HeldOutFalseRejectRate = OptionalDouble(metadata, KeyFrr),
                ImageAuroc = OptionalDouble(metadata, KeyAuroc),
            };
            return null;
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            return $"its registry metadata cannot be read ({ex.Message})";
        }
    }

    private static int? OptionalInt(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static double? OptionalDouble(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    private AnomalyModelVersion PromoteCore(AnomalyModel model, AnomalyModelSource source, int? previous, int? restoredFrom, double? frr, double? auroc)
    {
        // Never reuse a number that a file (even a damaged one) still has: a path names one content forever.
        var number = Math.Max(_versions.Keys.DefaultIfEmpty(0).Max(), NumbersOnDisk().DefaultIfEmpty(0).Max()) + 1;
        var metadata = model.Metadata
            .Where(kv => !kv.Key.StartsWith("registry.", StringComparison.Ordinal) && !kv.Key.StartsWith("fit.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        metadata[KeyVersion] = number.ToString(CultureInfo.InvariantCulture);
        metadata[KeyBundle] = BundleId;
        metadata[KeyCreated] = _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        metadata[KeySource] = source.ToString().ToLowerInvariant();
        Put(metadata, KeyPrevious, previous?.ToString(CultureInfo.InvariantCulture));
        Put(metadata, KeyRestored, restoredFrom?.ToString(CultureInfo.InvariantCulture));
        Put(metadata, KeyFrr, frr?.ToString("R", CultureInfo.InvariantCulture));
        Put(metadata, KeyAuroc, auroc?.ToString("R", CultureInfo.InvariantCulture));
        var stored = new AnomalyModel(model.Layout, model.Projection, model.Bank, model.Threshold, metadata);
        var path = PathOf(number);
        var inService = _current?.Name ?? "no model";
        try
        {
            AnomalyModelFile.Write(path, stored);
        }
        catch (IOException ex)
        {
            throw new AnomalyRegistryException(DirectoryPath, $"writing {VersionName(number)} failed ({ex.Message}); {inService} stays in service.", ex);
        }

        try
        {
            WritePointer(number);
        }
        catch (IOException ex)
        {
            TryDelete(path);
            throw new AnomalyRegistryException(DirectoryPath, $"switching the pointer to {VersionName(number)} failed ({ex.Message}); {inService} stays in service.", ex);
        }

        Describe(stored, number, out var version);
        _versions[number] = version!;
        _current = version;
        Prune();
        return version!;
    }

    private static void Put(Dictionary<string, string> metadata, string key, string? value)
    {
        if (value is not null)
        {
            metadata[key] = value;
        }
    }

    private void WritePointer(int number) =>
        AtomicFile.WriteAllText(Path.Combine(DirectoryPath, PointerFileName), VersionName(number) + "\n");

    private void Prune()
    {
        var keep = _versions.Keys.OrderDescending().Take(_keep).ToHashSet();
        // The rollback chain: the current model, the one before it and the one before that.
        var link = _current;
        for (var depth = 0; depth < 3 && link is not null; depth++)
        {
            keep.Add(link.Number);
            link = link.Previous is { } p && _versions.TryGetValue(p, out var before) ? before : null;
        }

        var stale = NumbersOnDisk().Where(n => !keep.Contains(n) && n < (_current?.Number ?? 0)).ToList();
        foreach (var number in stale)
        {
            TryDelete(PathOf(number));
            _versions.Remove(number);
        }

        if (stale.Count > 0)
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
