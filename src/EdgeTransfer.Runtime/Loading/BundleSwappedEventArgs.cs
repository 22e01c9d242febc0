namespace EdgeTransfer.Runtime.Loading;

/// <summary>A new bundle was put in service by <see cref="BundleSwap"/>.</summary>
/// <param name="previous">The bundle that was in service.</param>
/// <param name="current">The bundle now in service.</param>
public sealed class BundleSwappedEventArgs(DeviceBundle previous, DeviceBundle current) : EventArgs
{
    /// <summary>The bundle that was in service.</summary>
    public DeviceBundle Previous { get; } = previous;

    /// <summary>The bundle now in service.</summary>
    public DeviceBundle Current { get; } = current;
}
