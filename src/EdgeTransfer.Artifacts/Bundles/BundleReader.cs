using System.Text;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Opens bundles and verifies them completely before anything in them is used: the manifest's JSON
/// and fields, then every listed file's presence, size and SHA-256, then the checkpoint against the head.
/// </summary>
public static class BundleReader
{
    /// <summary>Opens and verifies the bundle in <paramref name="directory"/>.</summary>
    /// <param name="directory">The bundle directory.</param>
    /// <returns>The verified bundle; files not listed in the manifest are reported in <see cref="Bundle.Warnings"/>.</returns>
    /// <exception cref="BundleException">
    /// The bundle is not valid; the message names the file and the reason, e.g.
    /// <c>Bundle 'line3' is not valid: backbone.onnx has sha256 9f3a…, manifest says 41c2…; re-copy the bundle.</c>
    /// </exception>
    public static Bundle Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return OpenCore(directory, Path.TrimEndingDirectorySeparator(directory));
    }

    /// <summary>Reads and validates the manifest of the bundle in <paramref name="directory"/> without hashing its files.</summary>
    /// <param name="directory">The bundle directory.</param>
    /// <exception cref="BundleException">The manifest is missing or not valid.</exception>
    public static BundleManifest ReadManifest(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var display = Path.TrimEndingDirectorySeparator(directory);
        return ReadManifest(DirectoryPublisher.Normalize(directory), display);
    }

    internal static Bundle OpenCore(string directory, string display)
    {
        var root = DirectoryPublisher.Normalize(directory);
        var manifest = ReadManifest(root, display);

        // Cheap checks for all files first, so a missing file is reported before minutes of hashing.
        var resolved = new List<(BundleFile File, string FullPath)>();
        foreach (var file in manifest.Files)
        {
            var fullPath = RelativePath.Resolve(root, file.Path)
                ?? throw new BundleException(display, file.Path, "points outside the bundle directory; the manifest was tampered with.");
            CheckNoLinks(root, fullPath, file.Path, display);
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                throw new BundleException(display, file.Path, "is missing; re-copy the bundle.");
            }

            if (info.Length != file.Bytes)
            {
                throw new BundleException(display, file.Path, $"has {info.Length} bytes, manifest says {file.Bytes}; the copy is incomplete or the file was changed: re-copy the bundle.");
            }

            resolved.Add((file, fullPath));
        }

        foreach (var (file, fullPath) in resolved)
        {
            string actual;
            try
            {
                actual = Sha256.OfFile(fullPath);
            }
            catch (IOException ex)
            {
                throw new BundleException(display, file.Path, $"cannot be read: {ex.Message}", ex);
            }

            if (actual != file.Sha256)
            {
                throw new BundleException(display, file.Path, $"has sha256 {Sha256.Abbreviate(actual)}, manifest says {Sha256.Abbreviate(file.Sha256)}; re-copy the bundle.");
            }
        }

        CheckCheckpoint(manifest, root, display);
        return new Bundle(root, display, manifest, FindExtraFiles(root, manifest));
    }

    private static BundleManifest ReadManifest(string root, string display)
    {
        if (!Directory.Exists(root))
        {
            throw new BundleException(display, null, File.Exists(root)
                ? "it is a file, not a bundle directory (to open an archive, unpack it first)."
                : "the directory does not exist.");
        }

        var path = Path.Combine(root, BundleManifest.FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new BundleException(display, BundleManifest.FileName, "is missing; this is not a bundle directory, or the copy is incomplete.");
        }

        if (info.LinkTarget is not null)
        {
            throw new BundleException(display, BundleManifest.FileName, "is a symbolic link; a bundle holds only regular files.");
        }

        if (info.Length > BundleManifest.MaxFileBytes)
        {
            throw new BundleException(display, BundleManifest.FileName, $"has {info.Length} bytes, more than a manifest may have ({BundleManifest.MaxFileBytes}).");
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (IOException ex)
        {
            throw new BundleException(display, BundleManifest.FileName, $"cannot be read: {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new BundleException(display, BundleManifest.FileName, "is not UTF-8 text.", ex);
        }

        return BundleManifest.Parse(json, display);
    }

    // A link inside the bundle could point anywhere (/etc, another bundle); bundles hold regular files only.
    private static void CheckNoLinks(string root, string fullPath, string relativePath, string display)
    {
        for (var current = fullPath; current.Length > root.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw new BundleException(display, relativePath, $"is {(current == fullPath ? "" : "inside ")}a symbolic link; a bundle holds only regular files.");
            }
        }
    }

    private static void CheckCheckpoint(BundleManifest manifest, string root, string display)
    {
        var file = manifest.FindFile(BundleRoles.Checkpoint)!;
        HeadCheckpoint checkpoint;
        try
        {
            checkpoint = CheckpointFile.Read(RelativePath.Resolve(root, file.Path)!);
        }
        catch (CheckpointException ex)
        {
            throw new BundleException(display, file.Path, $"is not a valid checkpoint: {ex.Reason}", ex);
        }

        // The graphs take the parameters by name and shape: the checkpoint must match the head exactly.
        var expected = manifest.Head.Parameters;
        var actual = checkpoint.Parameters;
        var same = expected.Count == actual.Count
            && expected.Zip(actual).All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));
        if (!same)
        {
            throw new BundleException(display, file.Path, $"holds parameters {Describe(actual.Select(t => (t.Name, (IReadOnlyList<long>)t.Shape)))}, manifest's head says {Describe(expected.Select(p => (p.Name, p.Shape)))}; prepare the bundle again.");
        }

        var shapes = expected.ToDictionary(p => p.Name, p => p.Shape, StringComparer.Ordinal);
        foreach (var state in checkpoint.OptimizerState)
        {
            var prefix = manifest.Optimizer.State.FirstOrDefault(s => state.Name.StartsWith(s + ".", StringComparison.Ordinal));
            var parameter = prefix is null ? null : state.Name[(prefix.Length + 1)..];
            if (parameter is null || !shapes.TryGetValue(parameter, out var shape) || !shape.SequenceEqual(state.Shape))
            {
                throw new BundleException(display, file.Path, $"holds optimizer state '{state.Name}' [{string.Join(",", state.Shape)}], which matches no '<state>.<parameter>' of the manifest (state {string.Join(", ", manifest.Optimizer.State)}); prepare the bundle again.");
            }
        }
    }

    private static string Describe(IEnumerable<(string Name, IReadOnlyList<long> Shape)> tensors) =>
        string.Join(", ", tensors.Select(t => $"{t.Name} [{string.Join(",", t.Shape)}]"));

    private static List<string> FindExtraFiles(string root, BundleManifest manifest)
    {
        var listed = new HashSet<string>(manifest.Files.Select(f => f.Path), StringComparer.Ordinal) { BundleManifest.FileName };
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        return [.. Directory.EnumerateFiles(root, "*", options)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !listed.Contains(f))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{f} is not listed in the manifest; it is ignored.")];
    }
}
