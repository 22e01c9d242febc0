namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The steps of an anomaly fit, in order.</summary>
public enum AnomalyFitStage
{
    /// <summary>Running the backbone on the images to get their feature maps (on the device, before the fit proper).</summary>
    Features = -1,

    /// <summary>Turning the training samples' feature maps into patch embeddings.</summary>
    Embedding,

    /// <summary>Choosing the memory bank by greedy coreset selection.</summary>
    Coreset,

    /// <summary>Scoring the held-out good samples (and labelled defects) and setting the threshold.</summary>
    Calibrating,
}
