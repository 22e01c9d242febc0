using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Turns the single graph output into the feature matrix the heads expect: a [N,C,1,1] (or any rank ≥ 3)
/// output gets a Flatten(axis=1) appended, giving [N,C·H·W]; the result is named <see cref="FeatureName"/>
/// ("features", the bundle's contract). An output that is already [N,D] is only renamed.
/// </summary>
public sealed class FeatureFlattener : IModelPass
{
    /// <summary>Creates the pass.</summary>
    /// <param name="featureName">The name of the feature output.</param>
    public FeatureFlattener(string featureName = "features")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(featureName);
        FeatureName = featureName;
    }

    /// <summary>The name of the feature output.</summary>
    public string FeatureName { get; }

    /// <inheritdoc />
    public string Name => "flatten-features";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph.Output.Count != 1)
        {
            throw new GraphException($"The model has {graph.Output.Count} outputs; cut it at the feature tensor first so that it has exactly one.");
        }

        var output = graph.Output[0];
        var shape = ModelFacts.Shape(output);
        if (shape is { Length: < 2 })
        {
            throw new GraphException($"Output '{output.Name}' has shape {ModelFacts.Format(shape)}; features need a batch dimension and at least one feature dimension.", output.Name);
        }

        if (output.Name == FeatureName && shape is { Length: 2 })
        {
            return new PassReport(Name, []);
        }

        if (output.Name != FeatureName && new GraphIndex(graph).TensorNames().Contains(FeatureName, StringComparer.Ordinal))
        {
            throw new GraphException($"Cannot name the features '{FeatureName}': the model already has a tensor of that name; choose another feature name.", FeatureName);
        }

        var elementType = output.Type?.TensorType?.ElemType ?? (int)TensorProto.Types.DataType.Float;
        var features = new ValueInfoProto
        {
            Name = FeatureName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = FlatShape(output) } },
        };

        if (shape is { Length: 2 })
        {
            Rename(graph, output.Name, FeatureName);
            graph.Output[0] = features;
            return new PassReport(Name, [$"renamed output '{output.Name}' to '{FeatureName}'"]);
        }

        var flatten = new NodeProto
        {
            Name = new UniqueNames(graph).Make(FeatureName + "_flatten"),
            OpType = "Flatten",
            Input = { output.Name },
            Output = { FeatureName },
        };
        NodeAttributes.SetInt(flatten, "axis", 1);
        graph.Node.Add(flatten);
        graph.Output[0] = features;
        var from = output.Type?.TensorType?.Shape is { } s ? ModelFacts.Format(s) : "(shape unknown)";
        return new PassReport(Name, [$"appended Flatten(axis=1): '{output.Name}' {from} -> '{FeatureName}' {ModelFacts.Format(features.Type.TensorType.Shape)}"]);
    }

    // [d0, d1, …] → [d0, d1·d2·…]; the product is unknown when any factor is.
    private static TensorShapeProto FlatShape(ValueInfoProto output)
    {
        var result = new TensorShapeProto();
        if (output.Type?.TensorType?.Shape is not { Dim.Count: >= 2 } shape)
        {
            result.Dim.Add(new TensorShapeProto.Types.Dimension());
            result.Dim.Add(new TensorShapeProto.Types.Dimension());
            return result;
        }

        result.Dim.Add(shape.Dim[0].Clone());
        long product = 1;
        foreach (var dim in shape.Dim.Skip(1))
        {
            product = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && product > 0 ? product * dim.DimValue : -1;
        }

        result.Dim.Add(product > 0 ? new TensorShapeProto.Types.Dimension { DimValue = product } : new TensorShapeProto.Types.Dimension());
        return result;
    }

    /// <summary>Renames tensor <paramref name="from"/> to <paramref name="to"/> in every node input and output.</summary>
    internal static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }
}
