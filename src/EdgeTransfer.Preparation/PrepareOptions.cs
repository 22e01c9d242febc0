namespace EdgeTransfer.Preparation;

/// <summary>What <see cref="BundlePreparer"/> is asked to do; the CLI's <c>prepare</c> options one to one.</summary>
public sealed class PrepareOptions
{
    /// <summary>The pretrained ONNX model file, or a folder with it and its <c>spec.json</c>; null for the embedded ResNet18.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The preprocessing spec; null for <c>spec.json</c> beside the model.</summary>
    public string? SpecPath { get; init; }

    /// <summary>The class names (validated by <see cref="ClassNames"/>).</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The head: <c>linear</c> or <c>mlp:&lt;hidden&gt;</c>.</summary>
    public string Head { get; init; } = "linear";

    /// <summary>The optimizer: <c>adamw</c> or <c>sgd</c>.</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>The default learning rate recorded in the manifest.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The default weight decay recorded in the manifest (weights only).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>The seed of the initial head.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The tensor at which to cut the backbone; null for the spec's feature tensor or the model's output.</summary>
    public string? CutTensor { get; init; }

    /// <summary>
    /// The mid-level feature maps to output beside the features: null for the default (strides 8 and 16,
    /// found by shape), <c>none</c> for none, or comma-separated tensor names (see <see cref="PatchLayerSelection"/>).
    /// </summary>
    public string? PatchLayers { get; init; }

    /// <summary>The bundle directory to create.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace an existing bundle at <see cref="OutputDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>INT8 quantization of the backbone; null keeps the float backbone only.</summary>
    public QuantizeOptions? Quantize { get; init; }
}
