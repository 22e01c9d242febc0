using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Writes a bundle: files go to a hidden staging directory beside the output
/// (<c>.&lt;name&gt;.staging-&lt;random&gt;</c>), hashed as they are written; <see cref="Commit"/> adds
/// <c>manifest.json</c>, flushes everything to the disk and renames the staging directory into place.
/// </summary>
/// <remarks>
/// Disposing without <see cref="Commit"/> deletes the staging directory: a failed prepare leaves nothing
/// behind and an existing bundle untouched. Not thread-safe.
/// </remarks>
/// <example>
/// <code>
/// using var writer = new BundleWriter(outDir, overwrite: force);
/// writer.CopyFile("backbone.onnx", BundleRoles.Backbone, backbonePath);
/// writer.AddFile("checkpoint.etck", BundleRoles.Checkpoint, s => CheckpointFile.Write(s, initial));
/// writer.Commit(manifest);
/// </code>
/// </example>
public sealed class BundleWriter : IDisposable
{
    private readonly List<BundleFile> _files = [];
    private readonly bool _overwrite;
    private bool _committed;
    private bool _disposed;

    /// <summary>Checks the output and creates the staging directory.</summary>
    /// <param name="outputDirectory">The bundle directory to create.</param>
    /// <param name="overwrite">Replace an existing bundle there (<c>--force</c>); its old content is deleted after the new one is in place.</param>
    /// <exception cref="InvalidSettingException">
    /// The output is a file, or a non-empty directory and <paramref name="overwrite"/> is false, or a
    /// non-empty directory that is not a bundle.
    /// </exception>
    public BundleWriter(string outputDirectory, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        OutputDirectory = DirectoryPublisher.Normalize(outputDirectory);
        _overwrite = overwrite;

        // Checked now, before minutes of work, and again at Commit in case the folder changed meanwhile.
        DirectoryPublisher.CheckTarget(OutputDirectory, overwrite);
        StagingDirectory = DirectoryPublisher.CreateStaging(OutputDirectory);
    }

    /// <summary>The full path of the bundle directory that <see cref="Commit"/> creates.</summary>
    public string OutputDirectory { get; }

    /// <summary>The full path of the hidden directory the files are written to until <see cref="Commit"/>.</summary>
    public string StagingDirectory { get; }

    /// <summary>The files added so far, with their hashes and sizes.</summary>
    public IReadOnlyList<BundleFile> Files => _files;

    /// <summary>Adds a file whose content <paramref name="write"/> produces; it is hashed while written.</summary>
    /// <param name="relativePath">The path inside the bundle, '/'-separated (<c>backbone.onnx</c>).</param>
    /// <param name="role">The role (see <see cref="BundleRoles"/>).</param>
    /// <param name="write">Writes the content to a forward-only stream (no seeking); the writer flushes and closes it.</param>
    /// <returns>The manifest entry of the file.</returns>
    /// <exception cref="ArgumentException">The path is not a safe relative path, or the path or role is already used.</exception>
    /// <remarks>If <paramref name="write"/> throws, the partial file is deleted and the exception propagates.</remarks>
    public BundleFile AddFile(string relativePath, string role, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var fullPath = Reserve(relativePath, role);
        HashingWriteStream? hashing = null;
        try
        {
            using (var file = new FileStream(fullPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                hashing = new HashingWriteStream(file);
                write(hashing);
                hashing.Flush();

                // fsync each file now; the directory entries are flushed at Commit.
                file.Flush(flushToDisk: true);
            }

            var entry = new BundleFile
            {
                Path = relativePath,
                Role = role,
                Sha256 = Convert.ToHexStringLower(hashing.CurrentHash()),
                Bytes = hashing.BytesWritten,
            };
            _files.Add(entry);
            return entry;
        }
        catch
        {
            TryDelete(fullPath);
            throw;
        }
        finally
        {
            hashing?.Dispose();
        }
    }

    /// <summary>Adds a file with the given content.</summary>
    /// <param name="relativePath">The path inside the bundle, '/'-separated.</param>
    /// <param name="role">The role (see <see cref="BundleRoles"/>).</param>
    /// <param name="content">The bytes of the file.</param>
    /// <returns>The manifest entry of the file.</returns>
    /// <exception cref="ArgumentException">The path is not a safe relative path, or the path or role is already used.</exception>
    public BundleFile AddFile(string relativePath, string role, ReadOnlyMemory<byte> content) =>
        AddFile(relativePath, role, stream => stream.Write(content.Span));

    /// <summary>Adds a copy of an existing file.</summary>
    /// <param name="relativePath">The path inside the bundle, '/'-separated.</param>
    /// <param name="role">The role (see <see cref="BundleRoles"/>).</param>
    /// <param name="sourcePath">The file to copy.</param>
    /// <returns>The manifest entry of the file.</returns>
    /// <exception cref="ArgumentException">The path is not a safe relative path, or the path or role is already used.</exception>
    /// <exception cref="EdgeTransferException">The source file does not exist or cannot be read.</exception>
    public BundleFile CopyFile(string relativePath, string role, string sourcePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        if (!File.Exists(sourcePath))
        {
            throw new EdgeTransferException($"Cannot add '{sourcePath}' to the bundle as {relativePath}: the file does not exist.");
        }

        try
        {
            return AddFile(relativePath, role, target =>
            {
                using var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                source.CopyTo(target, 1 << 16);
            });
        }
        catch (IOException ex)
        {
            throw new EdgeTransferException($"Cannot add '{sourcePath}' to the bundle as {relativePath}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Writes <c>manifest.json</c> (with <see cref="BundleManifest.Files"/> set to the files added here),
    /// flushes everything to the disk and renames the staging directory to <see cref="OutputDirectory"/>.
    /// </summary>
    /// <param name="manifest">The manifest; its <see cref="BundleManifest.Files"/> is replaced.</param>
    /// <returns>The manifest as written.</returns>
    /// <exception cref="BundleException">The manifest is not valid (with the files added).</exception>
    /// <exception cref="InvalidSettingException">The output became non-empty since the writer was created.</exception>
    public BundleManifest Commit(BundleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("The bundle was already committed.");
        }

        var final = manifest with { Files = [.. _files] };
        final.Validate(OutputDirectory);
        AtomicFile.WriteAllText(Path.Combine(StagingDirectory, BundleManifest.FileName), final.ToJson());
        DirectoryPublisher.Publish(StagingDirectory, OutputDirectory, _overwrite);
        _committed = true;
        return final;
    }

    /// <summary>Deletes the staging directory unless the bundle was committed. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_committed)
        {
            DirectoryPublisher.TryDeleteTree(StagingDirectory);
        }
    }

    private string Reserve(string relativePath, string role)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("The bundle was already committed; files cannot be added any more.");
        }

        if (RelativePath.Problem(relativePath) is { } problem)
        {
            throw new ArgumentException($"'{relativePath}' cannot be a bundle file path: {problem}.", nameof(relativePath));
        }

        if (string.Equals(relativePath, BundleManifest.FileName, StringComparison.OrdinalIgnoreCase)
            || _files.Any(f => string.Equals(f.Path, relativePath, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"'{relativePath}' is already in the bundle (or is the manifest).", nameof(relativePath));
        }

        if (!BundleRoles.IsWellFormed(role))
        {
            throw new ArgumentException($"'{role}' is not a role (lower-case letters, digits and dashes).", nameof(role));
        }

        if (_files.Any(f => f.Role == role))
        {
            throw new ArgumentException($"Role '{role}' is already given to {_files.First(f => f.Role == role).Path}.", nameof(role));
        }

        var fullPath = RelativePath.Resolve(StagingDirectory, relativePath)!;
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        return fullPath;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The staging directory is deleted as a whole on Dispose anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
