namespace EdgeTransfer.Mqtt.Commands;

/// <summary>Limits of the command parser.</summary>
public sealed class CommandRouterOptions
{
    /// <summary>The largest request body, in bytes, unless a command registers its own limit. Default 64 KiB.</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>The deepest JSON nesting accepted. Default 8 (requests are flat; config values are one level down).</summary>
    public int MaxDepth { get; set; } = 8;

    /// <summary>The longest correlation data accepted, in bytes. Default 64 (a UUID is 16).</summary>
    public int MaxCorrelationDataBytes { get; set; } = 64;
}
