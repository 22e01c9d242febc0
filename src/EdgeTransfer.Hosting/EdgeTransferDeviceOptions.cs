using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Hosting;

/// <summary>
/// What an embedded device runs: a <c>device.json</c> (<see cref="ConfigFile"/>) or the same settings from code
/// (<see cref="Device"/>), and optionally a frame source of the application's own. Checked when the host starts
/// (<see cref="EdgeTransferDeviceOptionsValidator"/>).
/// </summary>
public sealed class EdgeTransferDeviceOptions
{
    /// <summary>
    /// A <c>device.json</c> to load (its relative paths are taken from its folder); when set, <see cref="Device"/> is
    /// not used. Null to configure from code.
    /// </summary>
    public string? ConfigFile { get; set; }

    /// <summary>
    /// The settings from code, as <c>device.json</c> would give them (every key has a default): at least
    /// <c>Bundle.Path</c> and <c>Store.Path</c>. Relative paths are taken from the current directory.
    /// </summary>
    public DeviceOptions Device { get; set; } = new();

    /// <summary>
    /// Makes the frame source for each bundle put in service (the first, and the next after a deployment), owned by the
    /// device from then on. Null, or a null result, for the source, trigger and reject line the settings configure; with a
    /// source of its own the device inspects frames as fast as the source delivers them and drives no reject line.
    /// </summary>
    public Func<IFrameSource?>? Source { get; set; }

    /// <summary>Whether the MQTT agent reports to the broker and takes fleet commands; null for what the <c>mqtt</c> section says.</summary>
    public bool? Mqtt { get; set; }

    /// <summary>How many verdicts each <see cref="IInspectionDevice.ReadVerdictsAsync"/> reader may fall behind before the oldest are dropped. Default 256.</summary>
    public int VerdictBufferCapacity { get; set; } = 256;

    /// <summary>
    /// Loads the settings: <see cref="ConfigFile"/> when set, else a copy of <see cref="Device"/> with its paths made absolute.
    /// </summary>
    /// <param name="checkFiles">Whether the files the settings name (TLS, password) must exist.</param>
    /// <exception cref="InvalidSettingException">A setting is missing or out of range; the message names its JSON path.</exception>
    public DeviceOptions LoadDevice(bool checkFiles)
    {
        if (ConfigFile is { } path)
        {
            return DeviceConfigFile.Load(path, checkFiles);
        }

        ArgumentNullException.ThrowIfNull(Device);
        // Through the file format: the copy is validated like a device.json, and later changes to Device do not leak in.
        return DeviceConfigFile.Parse(DeviceConfigFile.ToJson(Device), "EdgeTransferDeviceOptions.Device", Environment.CurrentDirectory, checkFiles);
    }
}
