using EdgeTransfer.Artifacts.Bundles;

namespace EdgeTransfer.Fleet;

/// <summary>The archive a deployment ships: an existing <c>.tar.gz</c>, or a bundle directory packed (verified) into a temporary one.</summary>
/// <remarks>Owns the temporary archive it packed and deletes it on dispose.</remarks>
public sealed class BundleSource : IDisposable
{
    private readonly string? _temporary;

    private BundleSource(string archivePath, string? temporary, bool packed)
    {
        ArchivePath = archivePath;
        _temporary = temporary;
        Packed = packed;
        Sha256 = Artifacts.IO.Sha256.OfFile(archivePath);
        Size = new FileInfo(archivePath).Length;
    }

    /// <summary>The archive to send.</summary>
    public string ArchivePath { get; }

    /// <summary>Whether it was packed from a directory by this run.</summary>
    public bool Packed { get; }

    /// <summary>The archive's sha256.</summary>
    public string Sha256 { get; }

    /// <summary>The archive's size in bytes.</summary>
    public long Size { get; }

    /// <summary>
    /// The deployment id: derived from the archive's sha256, so running the same deployment again after an
    /// interruption resumes it (the device keeps verified chunks under this id, across its restarts).
    /// </summary>
    public string DeploymentId => "d-" + Sha256[..16];

    /// <summary>Opens <paramref name="path"/>: packs a bundle directory, or takes an archive file as it is.</summary>
    /// <param name="path">A bundle directory or a bundle archive.</param>
    /// <exception cref="InvalidSettingException">Nothing at the path, or an empty file (setting <c>&lt;bundle&gt;</c>).</exception>
    /// <exception cref="BundleException">The directory is not a valid bundle (the file at fault is named).</exception>
    public static BundleSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var temporary = Path.Combine(Path.GetTempPath(), "edgetransfer-deploy", Guid.NewGuid().ToString("N")[..12] + BundleArchive.Extension);
            Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
            BundleArchive.Pack(path, temporary);
            return new BundleSource(temporary, temporary, packed: true);
        }

        if (!File.Exists(path))
        {
            throw new InvalidSettingException("<bundle>", $"'{path}' does not exist; give a bundle directory or its {BundleArchive.Extension} archive (edgetransfer bundle pack).");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new InvalidSettingException("<bundle>", $"'{path}' is empty; pack the bundle again (edgetransfer bundle pack).");
        }

        return new BundleSource(Path.GetFullPath(path), null, packed: false);
    }

    /// <summary>Deletes the temporary archive, if one was packed.</summary>
    public void Dispose()
    {
        if (_temporary is not null)
        {
            try
            {
                File.Delete(_temporary);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }
}
