using EdgeTransfer.Onnx.Protos;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Quantization.Inspection;

/// <summary>
/// Lets ONNX Runtime optimize a model for the CPU execution provider, has it write the optimized graph
/// (<see cref="SessionOptions.OptimizedModelFilePath"/>), and reports what the graph runs. A QDQ model that
/// ORT executes as DequantizeLinear → float Conv is not quantized; this is how we tell.
/// </summary>
public static class OptimizedGraphInspector
{
    private static readonly HashSet<string> IntegerConvs = new(StringComparer.Ordinal) { "QLinearConv", "ConvInteger" };
    private static readonly HashSet<string> FloatConvs = new(StringComparer.Ordinal) { "Conv", "FusedConv", "ConvTranspose" };

    /// <summary>Optimizes <paramref name="modelPath"/> and inspects the result.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="optimizedModelPath">Where ORT writes the optimized graph (overwritten).</param>
    /// <param name="level">The optimization level; QDQ fusion needs at least <see cref="GraphOptimizationLevel.ORT_ENABLE_EXTENDED"/>.</param>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load the model or did not write the optimized graph.</exception>
    public static OptimizedGraphReport Inspect(string modelPath, string optimizedModelPath, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(optimizedModelPath);
        using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = optimizedModelPath })
        {
            try
            {
                using var session = new InferenceSession(modelPath, options);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelFormatException(modelPath, $"ONNX Runtime cannot load it: {ex.Message}", ex);
            }
        }

        if (!File.Exists(optimizedModelPath))
        {
            throw new ModelFormatException(modelPath, $"ONNX Runtime did not write the optimized graph to '{optimizedModelPath}'.");
        }

        ModelProto optimized;
        using (var stream = File.OpenRead(optimizedModelPath))
        {
            optimized = ModelProto.Parser.ParseFrom(stream);
        }

        return Inspect(optimized.Graph);
    }

    /// <summary>Inspects an already optimized graph.</summary>
    /// <param name="graph">The graph ORT wrote.</param>
    public static OptimizedGraphReport Inspect(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var floatConvInputs = new HashSet<string>(StringComparer.Ordinal);
        int integerConvs = 0, floatConvs = 0, qdq = 0;
        foreach (var node in graph.Node)
        {
            var key = node.Domain.Length == 0 || node.Domain == "ai.onnx" ? node.OpType : $"{node.Domain}:{node.OpType}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (IntegerConvs.Contains(node.OpType))
            {
                integerConvs++;
            }
            else if (FloatConvs.Contains(node.OpType))
            {
                floatConvs++;
                floatConvInputs.UnionWith(node.Input);
            }
            else if (node.OpType is "QuantizeLinear" or "DequantizeLinear")
            {
                qdq++;
            }
        }

        var dequantizeFeedingConv = graph.Node.Count(n => n.OpType == "DequantizeLinear" && n.Output.Any(floatConvInputs.Contains));
        return new OptimizedGraphReport
        {
            OperatorCounts = new Dictionary<string, int>(counts, StringComparer.Ordinal),
            IntegerConvCount = integerConvs,
            FloatConvCount = floatConvs,
            DequantizeFeedingConvCount = dequantizeFeedingConv,
            QuantizeDequantizeCount = qdq,
        };
    }
}
