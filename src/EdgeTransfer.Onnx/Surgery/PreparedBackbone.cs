using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>The frozen feature extractor that <see cref="BackbonePreparer"/> made, and what it did.</summary>
public sealed class PreparedBackbone
{
    internal PreparedBackbone(ModelProto model, string inputName, IReadOnlyList<long> inputShape, string featureName, int? featureSize, long sourceOpset, IReadOnlyList<PassReport> passes)
    {
        Model = model;
        InputName = inputName;
        InputShape = inputShape;
        FeatureName = featureName;
        FeatureSize = featureSize;
        SourceOpset = sourceOpset;
        Passes = passes;
    }

    /// <summary>The backbone: one float input [N,C,H,W], one float output [N,D].</summary>
    public ModelProto Model { get; }

    /// <summary>The image input's name, unchanged from the source model.</summary>
    public string InputName { get; }

    /// <summary>The image input's shape without the batch dimension: [C,H,W].</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The feature output's name.</summary>
    public string FeatureName { get; }

    /// <summary>The feature size D, or null when the source model does not record the cut tensor's shape (run the backbone once to learn it).</summary>
    public int? FeatureSize { get; }

    /// <summary>The default-domain opset of the source model.</summary>
    public long SourceOpset { get; }

    /// <summary>What each pass changed, in order.</summary>
    public IReadOnlyList<PassReport> Passes { get; }
}
