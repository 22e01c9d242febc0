using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent;

/// <summary>A deployed bundle was put in service: <see cref="Host"/> replaced the host of <see cref="PreviousBundleId"/> (disposed by then).</summary>
/// <param name="previousBundleId">The bundle that was in service before.</param>
/// <param name="host">The host of the new bundle (owned by the agent).</param>
public sealed class HostReplacedEventArgs(string previousBundleId, DeviceHost host) : EventArgs
{
    /// <summary>The bundle that was in service before.</summary>
    public string PreviousBundleId { get; } = previousBundleId;

    /// <summary>The host of the new bundle (owned by the agent); its <see cref="DeviceHost.Loop"/> runs when the old one did.</summary>
    public DeviceHost Host { get; } = host;
}
