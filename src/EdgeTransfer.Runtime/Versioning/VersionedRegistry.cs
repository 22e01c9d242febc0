using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Versioning;

/// <summary>
/// A directory of numbered versions (<c>v0001.etck</c>, <c>a0002.etam</c> …) of one bundle and a <c>current</c>
/// pointer file naming the version in service: promote, rollback, keep N, and repair on open. The head registry
/// and the anomaly model registry are this with their own <see cref="VersionFormat{TContent, TVersion}"/>.
/// </summary>
/// <remarks>
/// <para>
/// A promotion writes the version file atomically with its SHA-256 and then rewrites <c>current</c> the same way:
/// the pointer is the commit point, so power lost at any moment leaves the old version in service or the new
/// one, never half of one. A version's registry facts (bundle, created at, source, previous) live in its file's
/// metadata, under its SHA-256.
/// </para>
/// <para>
/// On open (<see cref="RegistryRecovery{TContent, TVersion}"/>) every version is verified: temporary files are
/// removed, a damaged version is ignored, a pointer that is damaged or names a damaged version falls back to
/// the newest intact version at or below it, and a version above the pointer (a promotion cut off before the
/// pointer moved) is removed. Each repair is listed in <see cref="Issues"/>.
/// </para>
/// <para>Thread-safe. A <c>.lock</c> file keeps a second process from opening the same directory.</para>
/// </remarks>
internal sealed class VersionedRegistry<TContent, TVersion> : IDisposable
    where TContent : class
    where TVersion : class, IRegistryVersion
{
    /// <summary>The name of the pointer file.</summary>
    public const string PointerFileName = "current";

    private const string KeyCreated = "registry.createdAt";
    private const string KeySource = "registry.source";
    private const string KeyPrevious = "registry.previous";
    private const string KeyRestored = "registry.restoredFrom";

    private readonly Lock _gate = new();
    private readonly VersionFormat<TContent, TVersion> _format;
    private readonly int _keep;
    private readonly TimeProvider _time;
    private readonly DirectoryLock _lock;
    private readonly Type _owner;
    private readonly SortedDictionary<int, TVersion> _versions = [];
    private readonly List<string> _issues = [];
    private TVersion? _current;
    private bool _disposed;

    private VersionedRegistry(string directory, string bundleId, VersionFormat<TContent, TVersion> format, int keep, TimeProvider time, DirectoryLock directoryLock, Type owner)
    {
        DirectoryPath = directory;
        BundleId = bundleId;
        _format = format;
        _keep = keep;
        _time = time;
        _lock = directoryLock;
        _owner = owner;
    }

    public string DirectoryPath { get; }

    public string BundleId { get; }

    public TVersion? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The version a rollback would return to, or null when there is none.</summary>
    public TVersion? Previous
    {
        get
        {
            lock (_gate)
            {
                return _current?.Previous is { } p && _versions.TryGetValue(p, out var previous) ? previous : null;
            }
        }
    }

    public IReadOnlyList<TVersion> Versions
    {
        get
        {
            lock (_gate)
            {
                return [.. _versions.Values];
            }
        }
    }

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

    /// <summary>Opens (creating if needed) the registry in <paramref name="directory"/> and finds the version in service.</summary>
    /// <param name="directory">The full path of the registry directory.</param>
    /// <param name="bundleId">The bundle in use; versions of another bundle are ignored.</param>
    /// <param name="format">What the registry holds.</param>
    /// <param name="keep">How many versions to keep (the rollback chain is kept besides).</param>
    /// <param name="time">The clock of the created-at times.</param>
    /// <param name="owner">The public type that opens it, as lock and dispose errors name it.</param>
    public static VersionedRegistry<TContent, TVersion> Open(string directory, string bundleId, VersionFormat<TContent, TVersion> format, int keep, TimeProvider time, Type owner)
    {
        var directoryLock = DirectoryLock.Acquire(directory, owner.Name, (reason, ex) => format.Error(directory, reason, ex));
        var registry = new VersionedRegistry<TContent, TVersion>(directory, bundleId, format, keep, time, directoryLock, owner);
        try
        {
            var recovered = RegistryRecovery<TContent, TVersion>.Run(directory, format, registry.Describe);
            foreach (var version in recovered.Versions)
            {
                registry._versions[version.Number] = version;
            }

            registry._current = recovered.Current;
            registry._issues.AddRange(recovered.Issues);
            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    /// <summary>Reads and verifies the content in service, or returns null while the registry is empty.</summary>
    public TContent? ReadCurrent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
            return _current is null ? null : ReadVersion(_current);
        }
    }

    /// <summary>Reads and verifies the file of <paramref name="version"/>.</summary>
    public TContent Read(TVersion version)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
            return ReadVersion(version);
        }
    }

    /// <summary>Puts <paramref name="content"/> in service as the first version when the registry is empty.</summary>
    /// <returns>The version in service (the existing one when the registry was not empty).</returns>
    public TVersion InitializeIfEmpty(TContent content, string source)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
            return _current ?? PromoteCore(content, source, null, null, new Dictionary<string, string>());
        }
    }

    /// <summary>Puts <paramref name="content"/> in service as a new version after the current one.</summary>
    /// <param name="content">What to promote.</param>
    /// <param name="source">How it came to be, in lower case.</param>
    /// <param name="recorded">The format's own keys to record with it (metrics, fit results).</param>
    /// <param name="checkAgainstCurrent">Throws when the content cannot replace the content in service (which it is given).</param>
    public TVersion Promote(TContent content, string source, IReadOnlyDictionary<string, string> recorded, Action<TContent>? checkAgainstCurrent = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
            if (_current is not null && checkAgainstCurrent is not null)
            {
                checkAgainstCurrent(ReadVersion(_current));
            }

            return PromoteCore(content, source, _current?.Number, null, recorded);
        }
    }

    /// <summary>
    /// Returns to the version in service before the current one by promoting a copy of it as a new version
    /// (source <c>rollback</c>); calling it again goes one step further back.
    /// </summary>
    public TVersion Rollback()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
            var wording = _format.Wording;
            if (_current is null)
            {
                throw _format.Error(DirectoryPath, wording.NothingToRollBack);
            }

            if (_current.Previous is not { } previousNumber)
            {
                throw _format.Error(DirectoryPath, $"{_current.Name} {wording.FirstOfBundle}");
            }

            if (!_versions.TryGetValue(previousNumber, out var previous))
            {
                throw _format.Error(DirectoryPath, $"the {wording.Thing} before {_current.Name}, {_format.VersionName(previousNumber)}, is missing or damaged; {_current.Name} stays in service.");
            }

            TContent content;
            try
            {
                content = ReadVersion(previous);
            }
            catch (Exception ex) when (_format.DamageReason(ex) is { } reason)
            {
                throw _format.Error(DirectoryPath, $"the {wording.Thing} before {_current.Name}, {previous.Name}, is damaged ({reason}); {_current.Name} stays in service.", ex);
            }

            return PromoteCore(content, "rollback", previous.Previous, previous.Number, _format.Recorded(previous));
        }
    }

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

    private TContent ReadVersion(TVersion version) => _format.Read(version.Path, Path.GetDirectoryName(version.Path)!);

    private string PathOf(int number) => Path.Combine(DirectoryPath, _format.VersionName(number) + _format.Extension);

    // Checks that a file's metadata is this registry's version `number` and builds its record; null when it is.
    private string? Describe(TContent content, int number, string path, out TVersion? version)
    {
        version = null;
        var metadata = _format.MetadataOf(content);
        if (!metadata.TryGetValue(_format.VersionKey, out var recorded) || recorded != number.ToString(CultureInfo.InvariantCulture))
        {
            return $"its metadata says version \"{recorded}\", not {number} (a renamed or foreign file)";
        }

        if (!metadata.TryGetValue(VersionFormat<TContent, TVersion>.KeyBundle, out var bundle) || bundle != BundleId)
        {
            return $"it belongs to bundle \"{bundle}\", not to \"{BundleId}\"";
        }

        try
        {
            var entry = new RegistryEntry(
                number,
                path,
                DateTimeOffset.Parse(metadata[KeyCreated], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                metadata[KeySource],
                OptionalInt(metadata, KeyPrevious),
                OptionalInt(metadata, KeyRestored));
            version = _format.CreateVersion(entry, content);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            return $"its registry metadata cannot be read ({ex.Message})";
        }
    }

    private static int? OptionalInt(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private TVersion PromoteCore(TContent content, string source, int? previous, int? restoredFrom, IReadOnlyDictionary<string, string> recorded)
    {
        // Never reuse a number that a file (even a damaged one) still has: a path names one content forever.
        var number = Math.Max(_versions.Keys.DefaultIfEmpty(0).Max(), NumbersOnDisk().DefaultIfEmpty(0).Max()) + 1;
        var metadata = _format.MetadataOf(content)
            .Where(kv => !kv.Key.StartsWith(VersionFormat<TContent, TVersion>.RegistryPrefix, StringComparison.Ordinal) && !kv.Key.StartsWith(_format.RecordedPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        metadata[_format.VersionKey] = number.ToString(CultureInfo.InvariantCulture);
        metadata[VersionFormat<TContent, TVersion>.KeyBundle] = BundleId;
        metadata[KeyCreated] = _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        metadata[KeySource] = source;
        if (previous is { } p)
        {
            metadata[KeyPrevious] = p.ToString(CultureInfo.InvariantCulture);
        }

        if (restoredFrom is { } r)
        {
            metadata[KeyRestored] = r.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in recorded)
        {
            metadata[key] = value;
        }

        var stored = _format.WithMetadata(content, metadata);
        var path = PathOf(number);
        var inService = _current?.Name ?? $"no {_format.Wording.Thing}";
        try
        {
            // 1. The version file: temporary file, fsync, rename, directory fsync.
            _format.Write(path, stored);
        }
        catch (IOException ex)
        {
            throw _format.Error(DirectoryPath, $"writing {_format.VersionName(number)} failed ({ex.Message}); {inService} stays in service.", ex);
        }

        try
        {
            // 2. The commit point: the pointer names the new version, atomically.
            WritePointer(DirectoryPath, _format.VersionName(number));
        }
        catch (IOException ex)
        {
            TryDelete(path);
            throw _format.Error(DirectoryPath, $"switching the pointer to {_format.VersionName(number)} failed ({ex.Message}); {inService} stays in service.", ex);
        }

        Describe(stored, number, path, out var version);
        _versions[number] = version!;
        _current = version;
        Prune();
        return version!;
    }

    private IEnumerable<int> NumbersOnDisk() =>
        Directory.EnumerateFiles(DirectoryPath, _format.Prefix + "*" + _format.Extension).Select(p => _format.ParseFileName(Path.GetFileName(p))).Where(n => n > 0);

    internal static void WritePointer(string directory, string versionName) =>
        AtomicFile.WriteAllText(Path.Combine(directory, PointerFileName), versionName + "\n");

    private void Prune()
    {
        var keep = _versions.Keys.OrderDescending().Take(_keep).ToHashSet();
        // The chain a rollback walks: the current version, the one before it, and the one before that (which
        // becomes "previous" after a rollback, so that a second rollback still has somewhere to go).
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
