using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent;

/// <summary>The device host in service now: read by every command and publisher, replaced only by a deployment.</summary>
/// <param name="host">The host the agent was created for.</param>
internal sealed class HostInService(DeviceHost host)
{
    private DeviceHost _current = host;

    /// <summary>The host in service. Read it once per request: a deployment may replace it in between.</summary>
    public DeviceHost Current => Volatile.Read(ref _current);

    /// <summary>Puts <paramref name="fresh"/> in service (the caller disposes the host it replaced).</summary>
    public void Replace(DeviceHost fresh) => Volatile.Write(ref _current, fresh);
}
