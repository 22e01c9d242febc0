namespace EdgeTransfer.Mqtt.Commands;

/// <summary>What a handler knows about the request besides its body.</summary>
public sealed record CommandContext
{
    /// <summary>The fleet id of this device.</summary>
    public required string Fleet { get; init; }

    /// <summary>This device's id.</summary>
    public required string Device { get; init; }

    /// <summary>The command name.</summary>
    public required string Command { get; init; }

    /// <summary>The request's correlation data (validated: 1 to 64 bytes).</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }
}
