using System.Formats.Tar;
using System.IO.Compression;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Ships a bundle as one <c>.tar.gz</c> file (PAX format, regular files only) and unpacks it safely:
/// an entry that would land outside the target (absolute path, '..', backslash tricks), a link, a device
/// or an oversized archive is refused, and the unpacked bundle is verified before it is renamed into place.
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
    /// <exception cref="BundleException">The archive is damaged, holds an unsafe entry, or the bundle in it is not valid; nothing is left behind.</exception>
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
        var staging = DirectoryPublisher.CreateStaging(target);
        try
        {
            Extract(archivePath, staging);
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

    private static void Extract(string archivePath, string staging)
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
                        if (SafeName(archivePath, entry.Name, isDirectory: true) is { } directory)
                        {
                            Directory.CreateDirectory(RelativePath.Resolve(staging, directory)!);
                        }

                        continue;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        total += entry.Length;
                        if (total > MaxUnpackedBytes)
                        {
                            throw new BundleException(archivePath, entry.Name, $"takes the archive past {MaxUnpackedBytes} unpacked bytes; refusing to unpack it.");
                        }

                        WriteEntry(archivePath, staging, entry);
                        continue;
                    default:
                        var link = string.IsNullOrEmpty(entry.LinkName) ? string.Empty : $" to '{entry.LinkName}'";
                        throw new BundleException(archivePath, entry.Name, $"is a {entry.EntryType} entry{link}; a bundle archive holds only regular files and folders, so it is not unpacked.");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BundleException(archivePath, null, $"it is not a valid .tar.gz archive ({ex.Message}); re-copy it.", ex);
        }
    }

    private static void WriteEntry(string archivePath, string staging, TarEntry entry)
    {
        var name = SafeName(archivePath, entry.Name, isDirectory: false)
            ?? throw new BundleException(archivePath, entry.Name, "is a file entry without a name.");
        var fullPath = RelativePath.Resolve(staging, name)!;
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        FileStream output;
        try
        {
            output = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (IOException ex) when (File.Exists(fullPath))
        {
            throw new BundleException(archivePath, entry.Name, "appears twice in the archive.", ex);
        }

        using (output)
        {
            entry.DataStream?.CopyTo(output, 1 << 16);
            output.Flush(flushToDisk: true);
        }
    }

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
