using System.Diagnostics.CodeAnalysis;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>A verified bundle: its manifest and the full path of each file by role. Made by <see cref="BundleReader.Open"/>.</summary>
public sealed class Bundle
{
    private readonly Dictionary<string, string> _paths;

    internal Bundle(string directoryPath, string displayName, BundleManifest manifest, IReadOnlyList<string> warnings)
    {
        DirectoryPath = directoryPath;
        DisplayName = displayName;
        Manifest = manifest;
        Warnings = warnings;
        _paths = manifest.Files.ToDictionary(f => f.Role, f => Path.Combine(directoryPath, f.Path.Replace('/', Path.DirectorySeparatorChar)), StringComparer.Ordinal);
    }

    /// <summary>The full path of the bundle directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The bundle as the caller named it, for messages.</summary>
    public string DisplayName { get; }

    /// <summary>The verified manifest.</summary>
    public BundleManifest Manifest { get; }

    /// <summary>The full path of every file, by role.</summary>
    public IReadOnlyDictionary<string, string> PathsByRole => _paths;

    /// <summary>Things worth telling that do not make the bundle invalid (files not listed in the manifest).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The full path of the file with <paramref name="role"/>.</summary>
    /// <param name="role">A role from <see cref="BundleRoles"/>.</param>
    /// <exception cref="BundleException">The bundle has no file with that role.</exception>
    public string GetPath(string role) =>
        TryGetPath(role, out var path)
            ? path
            : throw new BundleException(DisplayName, null, $"it has no file with role \"{role}\" (it has {string.Join(", ", _paths.Keys)}).");

    /// <summary>The full path of the file with <paramref name="role"/>, if there is one.</summary>
    /// <param name="role">A role from <see cref="BundleRoles"/>.</param>
    /// <param name="path">The full path, when found.</param>
    public bool TryGetPath(string role, [NotNullWhen(true)] out string? path) => _paths.TryGetValue(role, out path);

    /// <summary>
    /// Reads the file with <paramref name="role"/> once and checks the SHA-256 of the very bytes returned against the
    /// verified manifest, so that what is loaded is what was verified even if the directory changed since.
    /// </summary>
    /// <param name="role">A role from <see cref="BundleRoles"/>.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="BundleException">The bundle has no such file, or it cannot be read, or it changed after it was verified.</exception>
    public byte[] ReadVerified(string role)
    {
        var file = Manifest.FindFile(role) ?? throw new BundleException(DisplayName, null, $"it has no file with role \"{role}\".");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(GetPath(role));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BundleException(DisplayName, file.Path, $"cannot be read: {ex.Message}", ex);
        }

        var actual = Sha256.OfBytes(bytes);
        if (actual != file.Sha256)
        {
            throw new BundleException(DisplayName, file.Path, $"changed after the bundle was verified: sha256 {Sha256.Abbreviate(actual)}, manifest says {Sha256.Abbreviate(file.Sha256)}; re-copy the bundle.");
        }

        return bytes;
    }

    /// <summary>
    /// Reads the backbone with <paramref name="role"/> as ONNX Runtime loads it (verified like <see cref="ReadVerified"/>): the
    /// INT8 backbone of a bundle with <see cref="BundleRoles.PackedWeights"/> gets its 4-bit weights put back as int8 initializers.
    /// </summary>
    /// <param name="role"><see cref="BundleRoles.Backbone"/> or <see cref="BundleRoles.BackboneInt8"/>.</param>
    /// <returns>The serialized ONNX model.</returns>
    /// <exception cref="BundleException">A file is missing, changed since it was verified, or the packed weights are not valid.</exception>
    public byte[] ReadBackbone(string role)
    {
        var model = ReadVerified(role);
        return role == BundleRoles.BackboneInt8 && Manifest.FindFile(BundleRoles.PackedWeights) is { } packed
            ? PackedWeightsFile.Expand(model, ReadVerified(BundleRoles.PackedWeights), DisplayName, packed.Path)
            : model;
    }

    /// <summary>Reads the bundle's checkpoint (the initial head).</summary>
    /// <exception cref="CheckpointException">The checkpoint is damaged.</exception>
    public HeadCheckpoint ReadCheckpoint() => CheckpointFile.Read(GetPath(BundleRoles.Checkpoint));

    /// <summary>Reads the mean image, or returns null when the mean is given per channel.</summary>
    /// <exception cref="EdgeTransferException">The mean image file cannot be read.</exception>
    public float[]? ReadMeanImage() =>
        Manifest.Input.Mean.ImageFile is null ? null : MeanImageFile.Read(GetPath(BundleRoles.MeanImage), Manifest.Input);
}
