namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>bundle</c> section: which model bundle the device runs.</summary>
public sealed class BundleOptions
{
    /// <summary>The bundle directory; relative paths are taken from the directory of <c>device.json</c>. Default <c>bundle</c>.</summary>
    public string Path { get; set; } = "bundle";
}
