namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>A verified archive handed to the installer. The file is deleted after the installer returns.</summary>
public sealed record ReceivedBundle
{
    /// <summary>The deployment id.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The bundle id the fleet tool announced, if any (not verified: the installer reads the manifest).</summary>
    public string? BundleId { get; init; }

    /// <summary>The full path of the assembled archive in the staging area.</summary>
    public required string ArchivePath { get; init; }

    /// <summary>Its size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Its sha256, verified.</summary>
    public required string Sha256 { get; init; }
}
