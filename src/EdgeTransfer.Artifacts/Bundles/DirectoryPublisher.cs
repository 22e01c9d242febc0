using System.Security.Cryptography;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Puts a fully written directory in place in one rename, so that the output directory is either
/// absent, the old bundle, or the complete new one — never a half-written bundle. Also used for other
/// generated folders (the synthetic MVTec datasets) that must appear whole or not at all.
/// </summary>
public static class DirectoryPublisher
{
    /// <summary>The setting named in "output exists" errors; the CLI calls it <c>--out</c>.</summary>
    public const string OutputSetting = "--out";

    /// <summary>The normalised full path of an output directory (no trailing separator).</summary>
    public static string Normalize(string output) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));

    /// <summary>Creates a hidden staging directory beside <paramref name="output"/> (same file system, so the final rename is atomic).</summary>
    public static string CreateStaging(string output)
    {
        var parent = Path.GetDirectoryName(output) ?? throw new InvalidSettingException(OutputSetting, $"'{output}' is a root directory; choose a folder for the bundle.");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(output)}.staging-{RandomSuffix()}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Fails when <paramref name="output"/> may not be written: a file, or a non-empty directory without <paramref name="overwrite"/>.</summary>
    public static void CheckTarget(string output, bool overwrite)
    {
        if (File.Exists(output))
        {
            throw new InvalidSettingException(OutputSetting, $"'{output}' is a file, not a directory; choose another path.");
        }

        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any())
        {
            return;
        }

        if (!overwrite)
        {
            throw new InvalidSettingException(OutputSetting, $"'{output}' exists and is not empty; pass --force to replace it.");
        }

        // --force replaces a bundle, not whatever folder a typo pointed at (a home directory, "/").
        if (!File.Exists(Path.Combine(output, BundleManifest.FileName)))
        {
            throw new InvalidSettingException(OutputSetting, $"'{output}' is not empty and is not a bundle (it has no {BundleManifest.FileName}); it is not replaced even with --force. Choose an empty or new folder.");
        }
    }

    /// <summary>Makes the staged content durable and renames it to <paramref name="output"/>, replacing an old bundle if allowed.</summary>
    public static void Publish(string staging, string output, bool overwrite)
    {
        SyncTree(staging);
        CheckTarget(output, overwrite);
        var parent = Path.GetDirectoryName(output)!;
        string? aside = null;
        if (Directory.Exists(output))
        {
            if (Directory.EnumerateFileSystemEntries(output).Any())
            {
                // Move the old bundle aside first: if the rename below fails, it is moved back untouched.
                aside = Path.Combine(parent, $".{Path.GetFileName(output)}.old-{RandomSuffix()}");
                Directory.Move(output, aside);
            }
            else
            {
                Directory.Delete(output);
            }
        }

        try
        {
            Directory.Move(staging, output);
        }
        catch
        {
            if (aside is not null)
            {
                Directory.Move(aside, output);
            }

            throw;
        }

        DirectorySync.Flush(parent);
        if (aside is not null)
        {
            TryDeleteTree(aside);
        }
    }

    /// <summary>Deletes a directory tree, ignoring failures (a leftover hidden staging folder is harmless).</summary>
    public static void TryDeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // The files were flushed as they were written; their directory entries need their own fsync.
    private static void SyncTree(string root)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            DirectorySync.Flush(directory);
        }

        DirectorySync.Flush(root);
    }

    private static string RandomSuffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
