namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// Everything <c>device.json</c> sets. Every key has a default, so <c>{}</c> is a valid file; read it with
/// <see cref="DeviceConfigFile.Load"/>, which checks it with <see cref="DeviceOptionsValidator"/>.
/// </summary>
public sealed class DeviceOptions
{
    /// <summary>Who the device is.</summary>
    public DeviceIdentityOptions Device { get; set; } = new();

    /// <summary>Which bundle it runs.</summary>
    public BundleOptions Bundle { get; set; } = new();

    /// <summary>How ONNX Runtime runs it.</summary>
    public ExecutionProviderOptions ExecutionProvider { get; set; } = new();

    /// <summary>Where frames come from.</summary>
    public SourceOptions Source { get; set; } = new();

    /// <summary>What starts an inspection.</summary>
    public TriggerOptions Trigger { get; set; } = new();

    /// <summary>What happens to a defective part.</summary>
    public RejectOptions Reject { get; set; } = new();

    /// <summary>How probabilities become a verdict.</summary>
    public InspectionOptions Inspection { get; set; } = new();

    /// <summary>Training, the quality gate and capacity.</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>Where the device keeps samples and heads.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>The broker.</summary>
    public MqttOptions Mqtt { get; set; } = new();

    /// <summary>How much the device logs.</summary>
    public LoggingOptions Logging { get; set; } = new();
}
