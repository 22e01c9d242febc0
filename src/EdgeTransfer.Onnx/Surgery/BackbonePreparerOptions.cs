namespace EdgeTransfer.Onnx.Surgery;

/// <summary>How <see cref="BackbonePreparer"/> turns a pretrained model into a frozen feature extractor.</summary>
public sealed class BackbonePreparerOptions
{
    /// <summary>The tensor whose value are the features (a node output, or a node name with one output); null for the model's first output.</summary>
    public string? CutTensor { get; init; }

    /// <summary>The default-domain opset of the result (the bundle format uses 17).</summary>
    public int TargetOpset { get; init; } = OpsetUpgrader.MaxTargetOpset;

    /// <summary>The name of the feature output (the bundle format says "features").</summary>
    public string FeatureOutputName { get; init; } = "features";

    /// <summary>The symbolic name of the batch dimension.</summary>
    public string BatchDimensionName { get; init; } = "N";

    /// <summary>Whether to fold BatchNormalization into the preceding Conv (default true).</summary>
    public bool FoldBatchNormalization { get; init; } = true;
}
