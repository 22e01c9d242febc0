namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>What a device runs, as announced in its birth message.</summary>
public sealed record DeviceVersions
{
    /// <summary>The device program's version.</summary>
    public string App { get; init; } = "";

    /// <summary>The ONNX Runtime version, or null if not loaded yet.</summary>
    public string? OnnxRuntime { get; init; }

    /// <summary>The id of the bundle in service, or null before the first bundle.</summary>
    public string? Bundle { get; init; }

    /// <summary>The promoted head version in service, or null before the first training.</summary>
    public long? Head { get; init; }

    /// <summary>The anomaly model version in service (<c>a0002</c>), or null when none is fitted.</summary>
    public string? Anomaly { get; init; }
}
