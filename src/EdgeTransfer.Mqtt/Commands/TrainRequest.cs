namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/train</c>: train a new head on the stored samples; omitted values keep the bundle's defaults.</summary>
public sealed record TrainRequest : CommandRequest
{
    /// <summary>Epochs, 1 to 1000.</summary>
    public int? Epochs { get; init; }

    /// <summary>Learning rate, 1e-6 to 1.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Batch size, 1 to 1024.</summary>
    public int? BatchSize { get; init; }

    /// <summary>L2 weight decay, 0 to 1.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Fraction of samples held out for the quality gate, 0.05 to 0.5.</summary>
    public double? ValidationFraction { get; init; }

    /// <summary>Random seed, 0 or more.</summary>
    public long? Seed { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("epochs", Epochs, 1, 1000);
        RequestChecks.Range("learningRate", LearningRate, 1e-6, 1.0);
        RequestChecks.Range("batchSize", BatchSize, 1, 1024);
        RequestChecks.Range("weightDecay", WeightDecay, 0.0, 1.0);
        RequestChecks.Range("validationFraction", ValidationFraction, 0.05, 0.5);
        RequestChecks.Range("seed", Seed, 0, long.MaxValue);
    }
}
