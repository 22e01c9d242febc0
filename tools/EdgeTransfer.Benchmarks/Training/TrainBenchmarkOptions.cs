namespace EdgeTransfer.Benchmarks.Training;

/// <summary>What <see cref="TrainBenchmark"/> measures. Checked by <see cref="TrainBenchmarkOptionsValidator"/>.</summary>
public sealed class TrainBenchmarkOptions
{
    /// <summary>Cached feature vectors; default 1000 (issue 4).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Epochs; default 30 (issue 4).</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Samples per step; default 32 (issue 4).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The head: <c>linear</c> (default) or <c>mlp:&lt;hidden&gt;</c>; the plain C# baseline exists for the linear head only.</summary>
    public string Head { get; init; } = "linear";

    /// <summary>ORT intra-op threads of the configuration the target is judged on; default 1 (the SDK's default for heads).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Times every configuration is run; the median is reported; default 5.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Classes; default 4 (good, scratch, dent, stain).</summary>
    public int Classes { get; init; } = 4;

    /// <summary>D, the feature size; default 512 (ResNet18).</summary>
    public int FeatureSize { get; init; } = 512;

    /// <summary>The seed of the features, the initial head and the shuffling; default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>AdamW learning rate; default 1e-3 (the bundle default).</summary>
    public float LearningRate { get; init; } = 1e-3f;
}
