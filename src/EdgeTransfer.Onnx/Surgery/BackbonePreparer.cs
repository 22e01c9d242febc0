using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Turns a pretrained image model into the bundle's frozen backbone: cut at the feature tensor, upgrade
/// to the target opset (IR 8), fold BatchNormalization into Conv, flatten the features to [N,D] under the name
/// "features", make the batch dimension symbolic, and drop what is no longer used.
/// </summary>
/// <example>
/// <code>
/// var source = OnnxModelFile.Load("models/resnet18/ResNet18.onnx");
/// var backbone = new BackbonePreparer().Prepare(source, "ResNet18.onnx");
/// OnnxModelFile.Save(backbone.Model, "bundle/backbone.onnx");
/// </code>
/// </example>
public sealed class BackbonePreparer
{
    /// <summary>Creates a preparer.</summary>
    /// <param name="options">The options; null for the defaults (first output, opset 17, "features").</param>
    /// <exception cref="InvalidSettingException">An option has a value that cannot be used.</exception>
    public BackbonePreparer(BackbonePreparerOptions? options = null)
    {
        Options = options ?? new BackbonePreparerOptions();
        BackbonePreparerOptionsValidator.Validate(Options);
    }

    /// <summary>The options in use.</summary>
    public BackbonePreparerOptions Options { get; }

    /// <summary>Loads <paramref name="modelPath"/> and prepares it.</summary>
    /// <param name="modelPath">The pretrained .onnx file.</param>
    /// <returns>The backbone and the report.</returns>
    /// <exception cref="ModelFormatException">The file is not a usable ONNX model.</exception>
    /// <exception cref="GraphException">The graph cannot be turned into a backbone (unknown cut tensor, unsupported operator, …).</exception>
    public PreparedBackbone Prepare(string modelPath) => Prepare(OnnxModelFile.Load(modelPath), modelPath);

    /// <summary>Prepares a copy of <paramref name="source"/>; the source is not changed.</summary>
    /// <param name="source">The pretrained model.</param>
    /// <param name="modelName">The model's name in messages (usually its file).</param>
    /// <returns>The backbone and the report.</returns>
    /// <exception cref="ModelFormatException">The model is structurally invalid.</exception>
    /// <exception cref="GraphException">The graph cannot be turned into a backbone (unknown cut tensor, unsupported operator, …).</exception>
    public PreparedBackbone Prepare(ModelProto source, string modelName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        OnnxModelFile.Validate(source, modelName);
        var model = source.Clone();
        var sourceOpset = ModelFacts.DefaultOpset(model)!.Value;

        // Cut first: nodes past the features (classifier, softmax) need no upgrade and must not block it.
        var passes = new List<IModelPass>
        {
            new GraphCutter(Options.CutTensor),
            new OpsetUpgrader(Options.TargetOpset),
        };
        if (Options.FoldBatchNormalization)
        {
            passes.Add(new BatchNormFolder());
        }

        // Flatten before the batch pass, so that the feature output's batch dimension gets the symbolic name
        // even when the cut tensor's shape was not declared.
        passes.Add(new FeatureFlattener(Options.FeatureOutputName));
        passes.Add(new BatchDimension(Options.BatchDimensionName));
        passes.Add(new InitializerPruner());

        var reports = passes.Select(p => p.Apply(model)).ToList();

        // A pass that broke the graph is a bug; catch it here rather than on the device.
        OnnxModelFile.Validate(model, modelName + " (prepared)");
        var (inputName, inputShape) = ImageInput(model.Graph);
        if (inputName == Options.FeatureOutputName)
        {
            throw new InvalidSettingException("feature output name", $"'{Options.FeatureOutputName}' is also the model's input name; choose another name.");
        }

        var featureShape = ModelFacts.Shape(model.Graph.Output[0]);
        int? featureSize = featureShape is [_, > 0 and <= int.MaxValue and var d] ? (int)d : null;
        return new PreparedBackbone(model, inputName, inputShape, Options.FeatureOutputName, featureSize, sourceOpset, reports);
    }

    private static (string Name, IReadOnlyList<long> Shape) ImageInput(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new GraphException($"A backbone needs exactly one image input, but the features depend on {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); cut at a tensor computed from the image only.");
        }

        var input = inputs[0];
        if (input.Type?.TensorType is not { ElemType: (int)TensorProto.Types.DataType.Float } tensor)
        {
            throw new GraphException($"Input '{input.Name}' is not a float tensor; the SDK feeds images as float32 [N,C,H,W].", input.Name);
        }

        var shape = ModelFacts.Shape(input);
        if (shape is not [_, > 0, > 0, > 0])
        {
            var actual = tensor.Shape is null ? "no declared shape" : $"shape {ModelFacts.Format(tensor.Shape)}";
            throw new GraphException($"Input '{input.Name}' has {actual}; a backbone needs an image input [N,C,H,W] with fixed C, H and W.", input.Name);
        }

        return (input.Name, shape[1..]);
    }
}
