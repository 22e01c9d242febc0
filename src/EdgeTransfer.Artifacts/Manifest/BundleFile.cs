namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>A file of the bundle as the manifest lists it.</summary>
public sealed record BundleFile
{
    /// <summary>The path relative to the bundle directory, '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>What the file is for (see <see cref="BundleRoles"/>).</summary>
    public required string Role { get; init; }

    /// <summary>The SHA-256 of the content, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The size in bytes.</summary>
    public required long Bytes { get; init; }
}
