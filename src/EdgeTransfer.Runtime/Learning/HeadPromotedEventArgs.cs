using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Heads;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>A trained head was put in service: what inspection needs to switch to it.</summary>
public sealed class HeadPromotedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="version">The new version in service.</param>
    /// <param name="head">Its parameters (a copy of its own; safe to read from any thread).</param>
    /// <param name="result">The run that produced it.</param>
    public HeadPromotedEventArgs(HeadVersion version, HeadCheckpoint head, OnDeviceTrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(result);
        Version = version;
        Head = head;
        Result = result;
    }

    /// <summary>The new version in service.</summary>
    public HeadVersion Version { get; }

    /// <summary>Its parameters: pass them to <c>HeadPredictor.UpdateParameters</c> on the inspection thread.</summary>
    public HeadCheckpoint Head { get; }

    /// <summary>The run that produced it.</summary>
    public OnDeviceTrainingResult Result { get; }
}
