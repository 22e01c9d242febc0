namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>logging</c> section: how much the device writes to its log (the journal under systemd).</summary>
public sealed class LoggingOptions
{
    /// <summary>
    /// The least severe message written. Default <c>information</c>. The environment variable
    /// <c>EDGETRANSFER_LOG_LEVEL</c> overrides it (a systemd drop-in can raise it without editing device.json).
    /// </summary>
    public DeviceLogLevel Level { get; set; } = DeviceLogLevel.Information;
}
