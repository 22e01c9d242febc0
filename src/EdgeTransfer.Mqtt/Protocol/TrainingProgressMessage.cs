namespace EdgeTransfer.Mqtt.Protocol;

/// <summary><c>training</c>, <c>"type": "progress"</c>: one epoch of a training run.</summary>
public sealed record TrainingProgressMessage : DeviceMessage
{
    /// <summary>The discriminator on the shared <c>training</c> topic.</summary>
    public string Type { get; init; } = "progress";

    /// <summary>The training run this belongs to.</summary>
    public string RunId { get; init; } = "";

    /// <summary>The epoch just finished, 1-based.</summary>
    public int Epoch { get; init; }

    /// <summary>The epochs planned.</summary>
    public int Epochs { get; init; }

    /// <summary>The mean training loss of the epoch.</summary>
    public double Loss { get; init; }

    /// <summary>The validation accuracy after the epoch, 0 to 1, if measured.</summary>
    public double? Accuracy { get; init; }
}
