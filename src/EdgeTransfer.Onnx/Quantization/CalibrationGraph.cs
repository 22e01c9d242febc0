using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>Makes the calibration copy of a model: the same graph with extra outputs for the tensors to measure.</summary>
public static class CalibrationGraph
{
    /// <summary>Returns a copy of <paramref name="model"/> whose outputs also include <paramref name="tensors"/>.</summary>
    /// <param name="model">The float model.</param>
    /// <param name="tensors">Tensors produced by nodes or fed as graph inputs; ones already outputs are kept once.</param>
    /// <exception cref="GraphException">A tensor is not in the graph.</exception>
    public static ModelProto AddOutputs(ModelProto model, IEnumerable<string> tensors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        var copy = model.Clone();
        var graph = copy.Graph ?? throw new GraphException("The model has no graph.");
        var known = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            known.UnionWith(node.Output);
        }

        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var declared = graph.ValueInfo.ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!known.Contains(tensor))
            {
                throw new GraphException($"Tensor '{tensor}' is not produced by any node nor fed as an input of graph '{graph.Name}'; it cannot be calibrated.", tensor);
            }

            if (!outputs.Add(tensor))
            {
                continue;
            }

            // Element type only: the batch dimension of intermediate tensors follows the calibration batch.
            graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto
                {
                    TensorType = new TypeProto.Types.Tensor
                    {
                        ElemType = declared.TryGetValue(tensor, out var v) && v.Type?.TensorType is { ElemType: > 0 } t
                            ? t.ElemType
                            : (int)TensorProto.Types.DataType.Float,
                    },
                },
            });
        }

        return copy;
    }
}
