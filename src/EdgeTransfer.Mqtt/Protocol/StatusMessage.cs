namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// <c>status</c>, retained: the birth (<see cref="DeviceState.Online"/>, published on every connect) and
/// the death (<see cref="DeviceState.Offline"/>, the last will the broker publishes when the device
/// vanishes, MQTT 5 §3.1.2.5, or the device's own message on a clean shutdown).
/// </summary>
public sealed record StatusMessage : DeviceMessage
{
    /// <summary>Online (birth) or offline (death).</summary>
    public DeviceState State { get; init; }

    /// <summary>What the device runs; null in a death message.</summary>
    public DeviceVersions? Versions { get; init; }

    /// <summary>The ONNX Runtime execution provider in use (<c>cpu</c>, <c>cuda</c>, <c>directml</c>), or null.</summary>
    public string? ExecutionProvider { get; init; }

    /// <summary>Why the device went offline (<c>last-will</c>, <c>shutdown</c>), or null for a birth.</summary>
    public string? Reason { get; init; }
}
