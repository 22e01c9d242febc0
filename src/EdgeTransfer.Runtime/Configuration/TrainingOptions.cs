using EdgeTransfer.Imaging.Augmentation;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>training</c> section: on-device head training, the quality gate, and how much is kept.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training samples, 1 to 10000. Default 30.</summary>
    public int Epochs { get; set; } = 30;

    /// <summary>Samples per optimizer step, 1 to 4096. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The optimizer's learning rate, above 0 and at most 10. Default 0.001.</summary>
    public double LearningRate { get; set; } = 0.001;

    /// <summary>The fraction of each class held out for validation (stratified), 0.05 to 0.5. Default 0.2.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Epochs without a better validation loss before training stops, 0 (never stop early) to 10000. Default 5.</summary>
    public int EarlyStoppingPatience { get; set; } = 5;

    /// <summary>
    /// The quality gate's margin, −1 to 1: a trained head is promoted when its validation accuracy is at least
    /// the current head's minus this. Default 0 (at least as good); negative demands an improvement.
    /// </summary>
    public double MarginToPromote { get; set; }

    /// <summary>The fewest validation samples a promotion may rest on, 1 or more. Default 10.</summary>
    public int MinValidationSamples { get; set; } = 10;

    /// <summary>The fewest validation samples each class must have for a promotion, 0 or more. Default 2.</summary>
    public int MinValidationSamplesPerClass { get; set; } = 2;

    /// <summary>Head versions kept on the disk, 2 to 1000 (the one in service and the one before it are always kept). Default 5.</summary>
    public int KeepHeads { get; set; } = 5;

    /// <summary>Bytes of labelled samples kept, at least 1 MiB; the oldest are evicted beyond it. Default 256 MiB.</summary>
    public long MaxStoreBytes { get; set; } = 256L << 20;

    /// <summary>Labelled samples kept per class, 1 to 10,000,000; the oldest of the class is evicted beyond it. Default 500.</summary>
    public int MaxPerClass { get; set; } = 500;

    /// <summary>
    /// Augmentation at collection time: altered views (flip, crop, brightness) of every newly labelled frame are stored
    /// as extra samples of the same part, never split from it. Off by default (docs/heads.md: measured).
    /// </summary>
    public AugmentationOptions Augmentation { get; set; } = new();

    /// <summary>The quality gate these settings describe.</summary>
    public QualityGateOptions ToQualityGateOptions() => new()
    {
        Margin = MarginToPromote,
        MinValidationSamples = MinValidationSamples,
        MinValidationSamplesPerClass = MinValidationSamplesPerClass,
    };

    /// <summary>The head registry options these settings describe.</summary>
    public HeadRegistryOptions ToHeadRegistryOptions() => new() { KeepHeads = KeepHeads };

    /// <summary>The sample store options these settings describe.</summary>
    public SampleStoreOptions ToSampleStoreOptions() => new() { MaxTotalBytes = MaxStoreBytes, MaxPerClass = MaxPerClass };
}
