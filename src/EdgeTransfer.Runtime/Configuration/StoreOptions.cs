using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>store</c> section: where the device keeps what it learns.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// The state directory: labelled samples go to <c>samples/</c>, head versions to <c>heads/</c> and anomaly models to <c>anomaly/</c> under it.
    /// Relative paths are taken from the directory of <c>device.json</c>. Default <c>state</c>.
    /// </summary>
    public string Path { get; set; } = "state";

    /// <summary>The sample store directory (<c>{path}/samples</c>).</summary>
    [JsonIgnore]
    public string SamplesPath => System.IO.Path.Combine(Path, "samples");

    /// <summary>The head registry directory (<c>{path}/heads</c>).</summary>
    [JsonIgnore]
    public string HeadsPath => System.IO.Path.Combine(Path, "heads");

    /// <summary>The anomaly model registry directory (<c>{path}/anomaly</c>).</summary>
    [JsonIgnore]
    public string AnomalyPath => System.IO.Path.Combine(Path, "anomaly");
}
