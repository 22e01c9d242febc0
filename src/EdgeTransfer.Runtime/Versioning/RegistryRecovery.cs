using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Versioning;

/// <summary>Checks that a version file's metadata is the registry's version <paramref name="number"/> and builds its record.</summary>
/// <returns>Null when it is; otherwise why the file is ignored.</returns>
internal delegate string? VersionDescriber<TContent, TVersion>(TContent content, int number, string path, out TVersion? version);

/// <summary>
/// What a registry directory holds when it is opened, after repair: the intact versions, the one in service,
/// and a sentence for every repair (temporary files removed, damaged versions ignored, a pointer that had to
/// fall back, versions of a promotion that never committed removed, the pointer rewritten).
/// </summary>
internal sealed class RegistryRecovery<TContent, TVersion>
    where TContent : class
    where TVersion : class, IRegistryVersion
{
    private readonly string _directory;
    private readonly VersionFormat<TContent, TVersion> _format;
    private readonly SortedDictionary<int, TVersion> _versions = [];
    private readonly SortedSet<int> _damaged = [];
    private readonly List<string> _issues = [];

    private RegistryRecovery(string directory, VersionFormat<TContent, TVersion> format)
    {
        _directory = directory;
        _format = format;
    }

    public IReadOnlyCollection<TVersion> Versions => _versions.Values;

    public TVersion? Current { get; private set; }

    public IReadOnlyList<string> Issues => _issues;

    public static RegistryRecovery<TContent, TVersion> Run(string directory, VersionFormat<TContent, TVersion> format, VersionDescriber<TContent, TVersion> describe)
    {
        var recovery = new RegistryRecovery<TContent, TVersion>(directory, format);
        recovery.Recover(describe);
        return recovery;
    }

    private void Recover(VersionDescriber<TContent, TVersion> describe)
    {
        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(temp);
            _issues.Add($"{Path.GetFileName(temp)}: removed a temporary file of a write that did not finish.");
        }

        LoadVersions(describe);
        var (pointed, pointerProblem) = ReadPointer();
        var thing = _format.Wording.Thing;
        if (pointerProblem is null)
        {
            Current = pointed > 0 ? _versions[pointed] : null;
        }
        else
        {
            // Trust the newest intact version at or below what the pointer named: anything above it was never
            // committed. With no usable pointer at all, the newest intact version is the best there is.
            Current = _versions.Values.LastOrDefault(v => pointed == 0 || v.Number <= pointed) ?? _versions.Values.LastOrDefault();
            _issues.Add(Current is null
                ? $"{pointerProblem}, {_format.Wording.NoneLeft}"
                : $"{pointerProblem}; fell back to {Current.Name}, the newest intact {thing}.");
        }

        // A version above the one the pointer names was written by a promotion that was cut off before the
        // pointer moved: it was never in service, so it goes. (A damaged version the pointer did name stays, to
        // be looked at; its number is never reused.) Without a usable pointer, only the intact versions are sure.
        var committed = pointed > 0 ? Math.Max(pointed, Current?.Number ?? 0) : Current?.Number ?? 0;
        var uncommitted = _versions.Keys.Where(n => n > committed).Concat(pointed > 0 ? _damaged.Where(n => n > committed) : []);
        foreach (var number in uncommitted.ToList())
        {
            File.Delete(Path.Combine(_directory, _format.VersionName(number) + _format.Extension));
            _versions.Remove(number);
            _issues.Add($"{_format.VersionName(number)}{_format.Extension}: written by a promotion that did not finish (never in service); removed.");
        }

        if (pointerProblem is not null && Current is not null)
        {
            VersionedRegistry<TContent, TVersion>.WritePointer(_directory, Current.Name);
            _issues.Add($"{VersionedRegistry<TContent, TVersion>.PointerFileName}: rewritten to name {Current.Name}.");
        }
    }

    private void LoadVersions(VersionDescriber<TContent, TVersion> describe)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, _format.Prefix + "*" + _format.Extension))
        {
            var number = _format.ParseFileName(Path.GetFileName(path));
            if (number <= 0)
            {
                continue;
            }

            try
            {
                var content = _format.Read(path, _directory);
                var problem = describe(content, number, path, out var version);
                if (problem is null)
                {
                    _versions[number] = version!;
                    continue;
                }

                _issues.Add($"{Path.GetFileName(path)}: {problem}; ignored.");
            }
            catch (Exception ex) when (_format.DamageReason(ex) is { } reason)
            {
                _issues.Add($"{Path.GetFileName(path)}: damaged ({reason}); ignored.");
            }

            _damaged.Add(number);
        }
    }

    private (int Pointed, string? Problem) ReadPointer()
    {
        var name = VersionedRegistry<TContent, TVersion>.PointerFileName;
        var pointerPath = Path.Combine(_directory, name);
        try
        {
            if (!File.Exists(pointerPath))
            {
                return (0, _versions.Count > 0 || _damaged.Count > 0 ? $"the pointer file \"{name}\" is missing (the first promotion did not finish)" : null);
            }

            var pointed = _format.ParseFileName(RegistryPointerFile.ReadText(_directory, pointerPath).Trim() + _format.Extension);
            return pointed == 0
                ? (0, $"the pointer file \"{name}\" does not name a version")
                : _versions.ContainsKey(pointed)
                    ? (pointed, null)
                    : (pointed, $"the pointer names {_format.VersionName(pointed)}, which is {(_damaged.Contains(pointed) ? "damaged" : "missing")}");
        }
        catch (IOException ex)
        {
            return (0, $"the pointer file \"{name}\" cannot be read ({ex.Message})");
        }
    }
}
