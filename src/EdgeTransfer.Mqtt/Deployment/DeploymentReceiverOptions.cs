namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>Where and how large deployments may be staged on the device.</summary>
public sealed class DeploymentReceiverOptions
{
    /// <summary>The staging directory (device configuration, never from a payload). Required.</summary>
    public string StagingDirectory { get; set; } = "";

    /// <summary>The largest archive accepted, in bytes. Default 1 GiB.</summary>
    public long MaxBundleBytes { get; set; } = 1L << 30;
}
