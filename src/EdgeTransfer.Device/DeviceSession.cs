using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Device;

/// <summary>Opens the <see cref="DeviceHost"/> of the configuration named on the command line.</summary>
internal static class DeviceSession
{
    /// <summary>Opens the device on the bundle in service: the one deployed over MQTT last, else the one of device.json.</summary>
    /// <remarks>
    /// The files the configuration names for the broker (TLS, password) are not checked here: status, infer,
    /// collect, train and rollback do not connect, and must work on a device whose broker secrets are not
    /// installed yet. <c>run</c> loads the configuration with every file checked.
    /// </remarks>
    public static DeviceHost Open(string configPath) => Open(DeviceConfigFile.Load(configPath, checkFiles: false));

    /// <summary>Opens the device for already loaded options (see <see cref="Open(string)"/>).</summary>
    public static DeviceHost Open(DeviceOptions configured) => DeviceHost.Open(DeployedBundles.Resolve(configured));
}
