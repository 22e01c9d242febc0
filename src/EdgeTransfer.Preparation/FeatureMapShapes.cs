using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeTransfer.Preparation;

/// <summary>A feature map of the backbone: a node output of shape [1,C,H,W] for one image.</summary>
/// <param name="Tensor">The tensor's name.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
public sealed record FeatureMap(string Tensor, int Channels, int Height, int Width);

/// <summary>
/// Learns the shape of every intermediate tensor by running the float backbone once on a blank image:
/// source models seldom record intermediate shapes (and preparation clears those recorded for a fixed batch),
/// while a run is exact for any model ONNX Runtime can execute.
/// </summary>
public static class FeatureMapShapes
{
    // Producers of integer or boolean tensors, which are never feature maps and would not be float outputs.
    private static readonly HashSet<string> NonFloatProducers = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "NonZero", "ArgMax", "ArgMin", "Cast", "Constant", "ConstantOfShape",
        "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf",
    };

    /// <summary>The rank-4 float tensors computed by <paramref name="backbone"/>, in graph (topological) order.</summary>
    /// <param name="backbone">The prepared float backbone (one image input [N,C,H,W]).</param>
    /// <param name="inputName">The image input.</param>
    /// <param name="imageShape">One image's shape, [C,H,W].</param>
    /// <exception cref="GraphException">ONNX Runtime cannot run the backbone.</exception>
    public static IReadOnlyList<FeatureMap> Measure(ModelProto backbone, string inputName, IReadOnlyList<long> imageShape)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(imageShape);
        var outputs = backbone.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var candidates = backbone.Graph.Node
            .Where(n => !NonFloatProducers.Contains(n.OpType))
            .SelectMany(n => n.Output)
            .Where(t => t.Length > 0 && !outputs.Contains(t))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var augmented = CalibrationGraph.AddOutputs(backbone, candidates);
        var shape = new long[] { 1, imageShape[0], imageShape[1], imageShape[2] };
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
            using var session = new InferenceSession(augmented.ToByteArray(), options);
            using var input = OrtValue.CreateTensorValueFromMemory(new float[shape[1] * shape[2] * shape[3]], shape);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [inputName], [input], candidates);
            var maps = new List<FeatureMap>();
            for (var i = 0; i < candidates.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                if (info.ElementDataType == TensorElementType.Float && info.Shape is [1, > 0 and var c, > 0 and var h, > 0 and var w])
                {
                    maps.Add(new FeatureMap(candidates[i], checked((int)c), checked((int)h), checked((int)w)));
                }
            }

            return maps;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new GraphException($"ONNX Runtime cannot run the prepared backbone to learn its feature-map shapes: {ex.Message.Trim()}", inputName, null);
        }
    }
}
