using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Makes the batch dimension symbolic: dimension 0 of every data input and every output becomes
/// <see cref="DimensionName"/> ("N"), so one backbone serves batch 1 on the line and batch 32 when
/// caching features. Intermediate shapes recorded for the old batch are cleared (they would contradict
/// the new one), and constant Reshape targets that hard-code the old batch size are rewritten to copy it.
/// </summary>
/// <remarks>
/// A Reshape of batch-dependent data to a constant shape whose first dimension is neither the old batch
/// size, 0 (copy) nor -1 (infer) folds the batch into other dimensions; it is refused with a
/// <see cref="GraphException"/> naming the node, since no symbolic batch can keep its meaning.
/// </remarks>
public sealed class BatchDimension : IModelPass
{
    /// <summary>Creates the pass.</summary>
    /// <param name="dimensionName">The symbolic name of the batch dimension.</param>
    public BatchDimension(string dimensionName = "N")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dimensionName);
        DimensionName = dimensionName;
    }

    /// <summary>The symbolic name given to dimension 0.</summary>
    public string DimensionName { get; }

    /// <inheritdoc />
    public string Name => "batch-dimension";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var changes = new List<string>();
        var dataInputs = graph.Input.Where(i => index.IsDataInput(i.Name)).ToList();

        // The fixed batch size the model was exported with, read from its first data input.
        var oldBatch = dataInputs.Select(i => ModelFacts.Shape(i)).FirstOrDefault(s => s is { Length: > 0 })?[0] is > 0 and var b ? b : (long?)null;

        foreach (var value in dataInputs.Concat(graph.Output))
        {
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && shape.Dim[0].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
            {
                var before = ModelFacts.Format(shape);
                shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = DimensionName };
                changes.Add($"'{value.Name}' {before} -> {ModelFacts.Format(shape)}");
            }
        }

        if (oldBatch is { } batch)
        {
            RewriteReshapes(graph, index, batch, changes);
        }

        if (changes.Count > 0)
        {
            var cleared = 0;
            foreach (var info in graph.ValueInfo.Where(v => v.Type?.TensorType?.Shape is not null))
            {
                info.Type.TensorType.Shape = null;
                cleared++;
            }

            if (cleared > 0)
            {
                changes.Add($"cleared {cleared} intermediate shapes recorded for batch {oldBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}");
            }
        }

        return new PassReport(Name, changes);
    }

    private static void RewriteReshapes(GraphProto graph, GraphIndex index, long oldBatch, List<string> changes)
    {
        var names = new UniqueNames(graph);
        var dependent = BatchDependentTensors(graph, index);
        foreach (var node in graph.Node.Where(n => n.OpType == "Reshape" && ModelFacts.IsDefaultDomain(n.Domain) && n.Input.Count >= 2))
        {
            if (!dependent.Contains(node.Input[0]) || index.ConstantValue(node.Input[1]) is not { } shapeTensor
                || shapeTensor.DataType != (int)TensorProto.Types.DataType.Int64)
            {
                // Constant data does not carry the batch; a computed shape already follows it.
                continue;
            }

            var shape = TensorProtos.ToInt64s(shapeTensor);
            if (shape.Length == 0 || shape[0] is 0 or -1)
            {
                continue;
            }

            var allowZero = NodeAttributes.GetInt(node, "allowzero", 0) != 0;
            if (shape[0] != oldBatch || (allowZero && shape.Contains(-1)))
            {
                throw new GraphException(
                    $"Reshape '{ModelFacts.Describe(node)}' reshapes batch-dependent data to the fixed shape {FormatRaw(shape)}, whose first dimension is not the batch size {oldBatch}; " +
                    "it cannot run with a symbolic batch. Export the model with a dynamic batch dimension, or cut the graph before this node.",
                    node.Name.Length > 0 ? node.Name : null);
            }

            // 0 copies the input's dimension (Reshape without allowzero); -1 infers it otherwise.
            var rewritten = (long[])shape.Clone();
            rewritten[0] = allowZero ? -1 : 0;
            var name = names.Make(node.Input[1] + "_dynamic_batch");
            graph.Initializer.Add(TensorProtos.Int64Vector(name, rewritten));
            node.Input[1] = name;
            changes.Add($"Reshape '{ModelFacts.Describe(node)}' target {FormatRaw(shape)} -> {FormatRaw(rewritten)}");
        }
    }

    private static string FormatRaw(long[] shape) => "[" + string.Join(",", shape) + "]";

    private static HashSet<string> BatchDependentTensors(GraphProto graph, GraphIndex index)
    {
        var dependent = new HashSet<string>(graph.Input.Where(i => index.IsDataInput(i.Name)).Select(i => i.Name), StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            // Shape-producing nodes yield metadata, not batch data, but a Reshape fed from them is already dynamic.
            if (GraphIndex.InputsOf(node).Any(dependent.Contains))
            {
                dependent.UnionWith(node.Output);
            }
        }

        return dependent;
    }
}
