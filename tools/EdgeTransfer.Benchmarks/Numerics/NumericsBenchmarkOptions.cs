namespace EdgeTransfer.Benchmarks.Numerics;

/// <summary>What <see cref="NumericsBenchmark"/> compares.</summary>
public sealed class NumericsBenchmarkOptions
{
    /// <summary>A bundle with both backbones (prepared without <c>--no-float</c>): the float one is the reference, the INT8 one the host's INT8.</summary>
    public required string BundlePath { get; init; }

    /// <summary>The images: <c>train/&lt;class&gt;/…</c> and <c>test/&lt;class&gt;/…</c>, the folders the stores replayed.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The device-computed features to compare (at least one).</summary>
    public required IReadOnlyList<FeatureStoreSource> Stores { get; init; }

    /// <summary>Epochs of every linear head (the same for all feature sources).</summary>
    public int HeadEpochs { get; init; } = 60;

    /// <summary>AdamW learning rate of the heads.</summary>
    public float HeadLearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the heads' initialisation and shuffling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>ORT intra-op threads of the host backbones.</summary>
    public int Threads { get; init; } = 2;
}
