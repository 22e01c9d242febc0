using EdgeTransfer.Runtime.Anomaly.Registry;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>A new anomaly model is in service.</summary>
/// <param name="model">The model.</param>
/// <param name="version">Its registry version.</param>
public sealed class AnomalyModelChangedEventArgs(AnomalyModel model, AnomalyModelVersion version) : EventArgs
{
    /// <summary>The model now in service.</summary>
    public AnomalyModel Model { get; } = model;

    /// <summary>Its registry version.</summary>
    public AnomalyModelVersion Version { get; } = version;
}
