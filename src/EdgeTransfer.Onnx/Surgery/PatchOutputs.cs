using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>One mid-level feature map to expose as a backbone output.</summary>
/// <param name="Tensor">The tensor in the prepared graph (a node output).</param>
/// <param name="OutputName">The graph output that will carry it.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
public sealed record PatchOutput(string Tensor, string OutputName, int Channels, int Height, int Width);

/// <summary>
/// Adds mid-level feature maps to a prepared backbone as extra graph outputs [N,C,H,W], so that one run
/// yields both the pooled features and the maps. The tensor is renamed to the output name rather than
/// copied through an Identity, which the quantizer would have to leave in float.
/// </summary>
public static class PatchOutputs
{
    /// <summary>Returns a copy of <paramref name="backbone"/> with the outputs added after the existing ones.</summary>
    /// <param name="backbone">The prepared backbone (its batch dimension named <paramref name="batchDimension"/>).</param>
    /// <param name="layers">The maps to expose.</param>
    /// <param name="batchDimension">The symbolic batch dimension's name.</param>
    /// <exception cref="GraphException">A tensor is not computed by a node, is already an output, or an output name is taken.</exception>
    public static ModelProto Add(ModelProto backbone, IReadOnlyList<PatchOutput> layers, string batchDimension = "N")
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(layers);
        var model = backbone.Clone();
        var graph = model.Graph ?? throw new GraphException("The model has no graph.");
        foreach (var layer in layers)
        {
            var index = new GraphIndex(graph);
            if (index.Producer(layer.Tensor) is null)
            {
                throw new GraphException($"Cannot output '{layer.Tensor}' as a patch layer: no node of the backbone computes it.", layer.Tensor);
            }

            if (index.IsGraphOutput(layer.Tensor))
            {
                throw new GraphException($"Cannot output '{layer.Tensor}' as a patch layer: it is already an output of the backbone.", layer.Tensor);
            }

            if (index.TensorNames().Contains(layer.OutputName, StringComparer.Ordinal))
            {
                throw new GraphException($"Cannot name a patch output '{layer.OutputName}': the backbone already has a tensor of that name.", layer.OutputName);
            }

            FeatureFlattener.Rename(graph, layer.Tensor, layer.OutputName);
            var stale = graph.ValueInfo.Where(v => v.Name == layer.Tensor).ToList();
            foreach (var info in stale)
            {
                graph.ValueInfo.Remove(info);
            }

            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = layer.Channels });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = layer.Height });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = layer.Width });
            graph.Output.Add(new ValueInfoProto
            {
                Name = layer.OutputName,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            });
        }

        return model;
    }
}
