using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Ships a bundle as one <c>.tar.gz</c> file (PAX format, regular files only) and unpacks it safely:
/// only <c>manifest.json</c> and the files it lists are written, each no larger than listed; a file the
/// manifest does not list, an entry that would land outside the target (absolute path, '..', backslash
/// tricks), a link, a device or an oversized archive is refused, and the unpacked bundle is verified
/// before it is renamed into place.
/// </summary>
public static class BundleArchive
{
    /// <summary>The file extension of bundle archives.</summary>
    public const string Extension = ".tar.gz";

    /// <summary>The most entries an archive may have.</summary>
    public const int MaxEntries = 4096;

    /// <summary>The most bytes an archive may unpack to (a guard against decompression bombs).</summary>
    public const long MaxUnpackedBytes = 8L << 30;

    /// <summary>Verifies the bundle in <paramref name="bundleDirectory"/> and packs it (manifest and listed files only) into <paramref name="archivePath"/>.</summary>
    /// <param name="bundleDirectory">The bundle directory.</param>
    /// <param name="archivePath">The archive to write (atomically: an existing archive is replaced only when the new one is complete).</param>
    /// <exception cref="BundleException">The bundle is not valid.</exception>
    public static void Pack(string bundleDirectory, string archivePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundleDirectory);
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        var bundle = BundleReader.Open(bundleDirectory);
        var time = bundle.Manifest.CreatedAt;
        var entries = new[] { BundleManifest.FileName }.Concat(bundle.Manifest.Files.Select(f => f.Path));
        AtomicFile.Write(archivePath, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            foreach (var name in entries)
            {
                using var data = new FileStream(RelativePath.Resolve(bundle.DirectoryPath, name)!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

                // Fixed mode and the bundle's own time: the archive does not depend on who packed it when.
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = data,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = time,
                };
                tar.WriteEntry(entry);
            }
        });
    }

    /// <summary>Unpacks and verifies a bundle archive into <paramref name="targetDirectory"/>.</summary>
    /// <param name="archivePath">The <c>.tar.gz</c> file.</param>
    /// <param name="targetDirectory">The bundle directory to create.</param>
    /// <param name="overwrite">Replace an existing bundle there.</param>
    /// <returns>The verified bundle in <paramref name="targetDirectory"/>.</returns>
    /// <exception cref="BundleException">
    /// The archive is damaged, holds an unsafe entry or a file its manifest does not list (or larger than listed),
    /// or the bundle in it is not valid; nothing is left behind.
    /// </exception>
    /// <exception cref="InvalidSettingException">The target exists and is not empty, and <paramref name="overwrite"/> is false.</exception>
    public static Bundle Unpack(string archivePath, string targetDirectory, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        if (!File.Exists(archivePath))
        {
            throw new BundleException(archivePath, null, "the archive does not exist.");
        }

        var target = DirectoryPublisher.Normalize(targetDirectory);
        DirectoryPublisher.CheckTarget(target, overwrite);

        // The manifest is read first (a pass of its own, since tar does not say where it is), so that nothing
        // it does not list is ever written to disk.
        var manifest = ReadManifest(archivePath);
        var staging = DirectoryPublisher.CreateStaging(target);
        try
        {
            Extract(archivePath, staging, manifest);
            var verified = BundleReader.OpenCore(staging, archivePath);
            DirectoryPublisher.Publish(staging, target, overwrite);
            return new Bundle(target, Path.TrimEndingDirectorySeparator(targetDirectory), verified.Manifest, verified.Warnings);
        }
        catch
        {
            DirectoryPublisher.TryDeleteTree(staging);
            throw;
        }
    }

    /// <summary>Finds <c>manifest.json</c> in the archive, checks its size before reading it, and parses it.</summary>
    private static ArchiveManifest ReadManifest(string archivePath)
    {
        var found = ForEachFile<ArchiveManifest>(archivePath, (name, entry) =>
        {
            if (name != BundleManifest.FileName)
            {
                return null;
            }

            if (entry.Length > BundleManifest.MaxFileBytes)
            {
                throw new BundleException(archivePath, entry.Name, $"has {entry.Length} bytes, more than a manifest may have ({BundleManifest.MaxFileBytes}); refusing to unpack the archive.");
            }

            var bytes = new byte[entry.Length];
            entry.DataStream?.ReadExactly(bytes);
            string json;
            try
            {
                json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new BundleException(archivePath, BundleManifest.FileName, "is not UTF-8 text.", ex);
            }

            return new ArchiveManifest(bytes, BundleManifest.Parse(json, archivePath));
        });
        return found ?? throw new BundleException(archivePath, BundleManifest.FileName, "is missing from the archive; a bundle archive holds manifest.json and the files it lists.");
    }

    private static void Extract(string archivePath, string staging, ArchiveManifest manifest)
    {
        var listed = manifest.Manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        _ = ForEachFile<object>(archivePath, (name, entry) =>
        {
            if (!written.Add(name))
            {
                throw new BundleException(archivePath, entry.Name, "appears twice in the archive.");
            }

            if (name == BundleManifest.FileName)
            {
                // The bytes already read and parsed, not a second read of the entry.
                WriteFile(archivePath, staging, name, new MemoryStream(manifest.Bytes, writable: false));
                return null;
            }

            if (!listed.TryGetValue(name, out var file))
            {
                throw new BundleException(archivePath, entry.Name, "is not listed in the manifest; a bundle archive holds only manifest.json and the files it lists, so the archive is not unpacked.");
            }

            if (entry.Length != file.Bytes)
            {
                throw new BundleException(archivePath, entry.Name, $"has {entry.Length} bytes, the manifest lists {file.Bytes}; the archive is not unpacked.");
            }

            WriteFile(archivePath, staging, name, entry.DataStream ?? Stream.Null);
            return null;
        });
    }

    /// <summary>
    /// Walks the archive's regular files (with their safe bundle paths) until <paramref name="visit"/> returns
    /// a value; folders are checked but not created (a file's folders are made when it is written), anything
    /// else is refused.
    /// </summary>
    private static T? ForEachFile<T>(string archivePath, Func<string, TarEntry, T?> visit)
        where T : class
    {
        try
        {
            using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var count = 0;
            long total = 0;
            while (tar.GetNextEntry() is { } entry)
            {
                if (++count > MaxEntries)
                {
                    throw new BundleException(archivePath, null, $"it has more than {MaxEntries} entries; a bundle has a handful of files.");
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.GlobalExtendedAttributes:
                        continue;
                    case TarEntryType.Directory:
                        _ = SafeName(archivePath, entry.Name, isDirectory: true);
                        continue;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        total += entry.Length;
                        if (total > MaxUnpackedBytes)
                        {
                            throw new BundleException(archivePath, entry.Name, $"takes the archive past {MaxUnpackedBytes} unpacked bytes; refusing to unpack it.");
                        }

                        var name = SafeName(archivePath, entry.Name, isDirectory: false)
                            ?? throw new BundleException(archivePath, entry.Name, "is a file entry without a name.");
                        if (visit(name, entry) is { } result)
                        {
                            return result;
                        }

                        continue;
                    default:
                        var link = string.IsNullOrEmpty(entry.LinkName) ? string.Empty : $" to '{entry.LinkName}'";
                        throw new BundleException(archivePath, entry.Name, $"is a {entry.EntryType} entry{link}; a bundle archive holds only regular files and folders, so it is not unpacked.");
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BundleException(archivePath, null, $"it is not a valid .tar.gz archive ({ex.Message}); re-copy it.", ex);
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentException or InvalidOperationException)
        {
            // The tar reader parses header numbers (sizes, times, ids) without range checks of its own and says so with
            // runtime text ("Arithmetic operation resulted in an overflow", "the size field … is greater than the expected length").
            throw new BundleException(archivePath, null, "it is not a valid .tar.gz archive (a tar header holds a number out of range, or a size its entry does not have); re-copy it.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BundleException(archivePath, null, $"it could not be unpacked: {ex.Message}", ex);
        }
    }

    private static void WriteFile(string archivePath, string staging, string name, Stream data)
    {
        var fullPath = RelativePath.Resolve(staging, name)!;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            using var output = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            data.CopyTo(output, 1 << 16);
            output.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The manifest refuses "x" beside "x/y", so this is a full disk or a permission, not a name clash.
            throw new BundleException(archivePath, name, $"could not be written to '{staging}': {ex.Message}", ex);
        }
    }

    private sealed record ArchiveManifest(byte[] Bytes, BundleManifest Manifest);

    /// <summary>The entry name as a bundle path, or null for the archive's root folder ("./"); refuses anything unsafe.</summary>
    private static string? SafeName(string archivePath, string entryName, bool isDirectory)
    {
        // "tar -C bundle ." writes "./" and "./manifest.json": accept that one prefix, nothing else.
        var name = entryName.StartsWith("./", StringComparison.Ordinal) ? entryName[2..] : entryName;
        if (isDirectory)
        {
            name = name.TrimEnd('/');
        }

        if (name.Length == 0 && isDirectory)
        {
            return null;
        }

        if (RelativePath.Problem(name) is { } problem)
        {
            throw new BundleException(archivePath, entryName, $"is not a safe path inside a bundle ({problem}); refusing to unpack the archive.");
        }

        return name;
    }
}
