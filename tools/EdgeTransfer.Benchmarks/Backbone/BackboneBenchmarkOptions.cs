using EdgeTransfer.Onnx.Quantization;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>What <see cref="BackboneBenchmark"/> measures and on which data. Checked by <see cref="BackboneBenchmarkOptionsValidator"/>.</summary>
public sealed class BackboneBenchmarkOptions
{
    /// <summary>The pretrained model file or folder; null for the ResNet18 that ships with EdgeTransfer.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The preprocessing spec; null for <c>spec.json</c> beside the model.</summary>
    public string? SpecPath { get; init; }

    /// <summary>A folder with <c>train/</c> and <c>test/</c> ImageFolder trees; null generates a synthetic split.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Timed runs per (backbone, batch size, spinning); default 20.</summary>
    public int Runs { get; init; } = 20;

    /// <summary>Untimed runs per (backbone, batch size, spinning) before timing; default 5.</summary>
    public int Warmup { get; init; } = 5;

    /// <summary>ORT intra-op threads of the backbone sessions; default 2 (the reference VM's cores).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Which spinning settings to time; default <see cref="SpinningMode.Off"/>.</summary>
    public SpinningMode Spinning { get; init; } = SpinningMode.Off;

    /// <summary>Images of the train split used to calibrate the int8 backbone; default 32.</summary>
    public int CalibrationImages { get; init; } = 32;

    /// <summary>Conv weights with at least this many values get 4-bit weights in the int8 backbone; 0 (default) for none.</summary>
    public long Int4MinWeightCount { get; init; }

    /// <summary>Values per shared 4-bit step (a whole multiple of the channel scale); 0 (default) for one step per channel.</summary>
    public int Int4GroupSize { get; init; }

    /// <summary>How the scales of 4-bit weights are chosen; default round to nearest.</summary>
    public WeightRounding Int4Rounding { get; init; } = WeightRounding.Nearest;

    /// <summary>The batch sizes whose latency is timed; default 1 and 8.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8];

    /// <summary>Classes of the generated synthetic split; default good, scratch, dent, stain.</summary>
    public IReadOnlyList<string> SyntheticClasses { get; init; } = ["good", "scratch", "dent", "stain"];

    /// <summary>Train images per class of the generated split; default 60.</summary>
    public int SyntheticTrainPerClass { get; init; } = 60;

    /// <summary>Test images per class of the generated split; default 40.</summary>
    public int SyntheticTestPerClass { get; init; } = 40;

    /// <summary>The side of the generated images; default 224.</summary>
    public int SyntheticSize { get; init; } = 224;

    /// <summary>The seed of the generated images and of the linear heads; default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Epochs of the linear heads trained on float and int8 features; default 60.</summary>
    public int HeadEpochs { get; init; } = 60;

    /// <summary>Learning rate of the linear heads (AdamW); default 1e-3.</summary>
    public float HeadLearningRate { get; init; } = 1e-3f;

    /// <summary>Layers listed in the size breakdown; default 8.</summary>
    public int TopLayers { get; init; } = 8;
}
