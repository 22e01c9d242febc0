using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent.Deployment;

/// <summary>A slot unpacked and opened, not yet in service.</summary>
/// <param name="Slot">The slot name.</param>
/// <param name="Host">The host opened on it (owned by whoever puts it in service or discards it).</param>
/// <param name="CarryOver">What was carried over into it.</param>
internal sealed record PreparedSlot(string Slot, DeviceHost Host, CarryOverResult CarryOver);
