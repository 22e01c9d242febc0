namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The training settings a device starts from when a request does not say otherwise.</summary>
public sealed record TrainingDefaults
{
    /// <summary>Label smoothing ε, 0 ≤ ε &lt; 1.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>The minibatch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>The number of passes over the samples.</summary>
    public required int Epochs { get; init; }
}
