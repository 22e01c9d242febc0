using System.Globalization;

namespace EdgeTransfer.Runtime.Versioning;

/// <summary>One version of a <see cref="VersionedRegistry{TContent, TVersion}"/>: what the shared code needs of it.</summary>
internal interface IRegistryVersion
{
    /// <summary>The version number (1, 2, 3 …).</summary>
    int Number { get; }

    /// <summary>The version's name as people read it: <c>v0003</c>, <c>a0003</c>.</summary>
    string Name { get; }

    /// <summary>The full path of its file.</summary>
    string Path { get; }

    /// <summary>The version in service before it, which a rollback returns to.</summary>
    int? Previous { get; }
}

/// <summary>The registry facts every version records in its file's metadata, as read back.</summary>
/// <param name="Number">The version number.</param>
/// <param name="Path">The full path of its file.</param>
/// <param name="CreatedAt">When it was promoted (UTC).</param>
/// <param name="Source">How it came to be, in lower case (<c>trained</c>, <c>fitted</c>, <c>rollback</c> …).</param>
/// <param name="Previous">The version in service before it.</param>
/// <param name="RestoredFrom">For a rollback copy, the version it restores.</param>
internal sealed record RegistryEntry(int Number, string Path, DateTimeOffset CreatedAt, string Source, int? Previous, int? RestoredFrom);

/// <summary>
/// The sentences a registry's errors and repairs use for what it holds, so that a head registry speaks of heads
/// and an anomaly registry of models.
/// </summary>
/// <param name="Thing">The noun: <c>head</c>, <c>model</c> (“the head before v0003”, “the newest intact model”).</param>
/// <param name="NothingToRollBack">The rollback refusal of an empty registry, a whole sentence.</param>
/// <param name="FirstOfBundle">Follows a version's name when it has no previous version: “is the first head of this bundle; …”.</param>
/// <param name="NoneLeft">Follows a pointer problem when no intact version is left: “and no intact version is left; …”.</param>
internal sealed record RegistryWording(string Thing, string NothingToRollBack, string FirstOfBundle, string NoneLeft);

/// <summary>
/// What is specific to one kind of versioned registry: its file names, how its files are read and written,
/// which metadata keys it owns, and what a version records besides the shared registry facts.
/// </summary>
/// <typeparam name="TContent">What a version file holds (a head checkpoint, an anomaly model).</typeparam>
/// <typeparam name="TVersion">The public record of one version.</typeparam>
internal abstract class VersionFormat<TContent, TVersion>
    where TContent : class
    where TVersion : class, IRegistryVersion
{
    /// <summary>The metadata key of the bundle id (shared by every registry; other code stamps it too).</summary>
    public const string KeyBundle = "registry.bundleId";

    /// <summary>The prefix of the registry's own metadata keys; stripped from content before it is stamped again.</summary>
    public const string RegistryPrefix = "registry.";

    /// <summary>The first letter of a version's file name: <c>v</c> in <c>v0003.etck</c>.</summary>
    public abstract char Prefix { get; }

    /// <summary>The file extension with its dot: <c>.etck</c>.</summary>
    public abstract string Extension { get; }

    /// <summary>The metadata key that holds the version number.</summary>
    public abstract string VersionKey { get; }

    /// <summary>The prefix of the keys that <see cref="Recorded"/> writes (metrics, fit results); stripped like <see cref="RegistryPrefix"/>.</summary>
    public abstract string RecordedPrefix { get; }

    /// <summary>How the registry's messages name what it holds.</summary>
    public abstract RegistryWording Wording { get; }

    /// <summary>The file name stem of a version: <c>v0003</c>.</summary>
    public string VersionName(int number) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:D4}");

    /// <summary>The number of a version file name (4 to 9 digits), or 0 for any other name, temporary files included.</summary>
    public int ParseFileName(string fileName)
    {
        if (fileName.Length < 10 || fileName[0] != Prefix || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return 0;
        }

        var digits = fileName[1..^Extension.Length];
        return digits.Length is >= 4 and <= 9 && digits.All(char.IsAsciiDigit) ? int.Parse(digits, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Reads and verifies a version file.</summary>
    /// <exception cref="Exception">The format's own error when the file is damaged (see <see cref="DamageReason"/>).</exception>
    public abstract TContent Read(string path, string directory);

    /// <summary>The reason sentence when <paramref name="error"/> is this format's damaged-file error; null for any other error.</summary>
    public abstract string? DamageReason(Exception error);

    /// <summary>Writes a version file atomically with its SHA-256 (temporary file, fsync, rename, directory fsync).</summary>
    /// <exception cref="IOException">The write failed; no file was left at <paramref name="path"/>.</exception>
    public abstract void Write(string path, TContent content);

    /// <summary>The content's metadata.</summary>
    public abstract IReadOnlyDictionary<string, string> MetadataOf(TContent content);

    /// <summary>The same content with other metadata.</summary>
    public abstract TContent WithMetadata(TContent content, Dictionary<string, string> metadata);

    /// <summary>Builds the public record of a version from its registry facts and its content.</summary>
    /// <exception cref="FormatException">A recorded value cannot be read (also <see cref="KeyNotFoundException"/>, <see cref="ArgumentException"/>, <see cref="OverflowException"/>).</exception>
    public abstract TVersion CreateVersion(RegistryEntry entry, TContent content);

    /// <summary>The keys <paramref name="version"/> recorded besides the registry facts, so that a rollback copy records them again.</summary>
    public abstract IReadOnlyDictionary<string, string> Recorded(TVersion version);

    /// <summary>The registry's exception for <paramref name="reason"/> in <paramref name="directory"/>.</summary>
    public abstract Exception Error(string directory, string reason, Exception? innerException = null);
}
