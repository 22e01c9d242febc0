using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Folds each inference BatchNormalization that directly follows a Conv into that Conv's weights and bias:
/// with s = γ / √(σ² + ε), W′ = W·s (per output channel) and b′ = (b − μ)·s + β. The arithmetic is done in
/// float64 and rounded once to float32. Folding removes a memory pass per layer and is what lets the INT8
/// quantizer see one Conv with per-channel weights instead of Conv + BN.
/// </summary>
/// <remarks>
/// A BatchNormalization is left as it is (and counted in the report) when its input is not a Conv output,
/// when that Conv output has another consumer or is a graph output, when the Conv's weights or the BN's
/// parameters are not float constants, or when it runs in training mode.
/// </remarks>
public sealed class BatchNormFolder : IModelPass
{
    // ONNX BatchNormalization's default epsilon.
    private const float DefaultEpsilon = 1e-5f;

    /// <inheritdoc />
    public string Name => "fold-batchnorm";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var names = new UniqueNames(graph);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var left = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && ModelFacts.IsDefaultDomain(n.Domain)))
        {
            var reason = TryFold(graph, index, names, bn);
            if (reason is null)
            {
                removed.Add(bn);
            }
            else
            {
                left[reason] = left.GetValueOrDefault(reason) + 1;
            }
        }

        var changes = new List<string>();
        if (removed.Count > 0)
        {
            var kept = graph.Node.Where(n => !removed.Contains(n)).ToList();
            graph.Node.Clear();
            graph.Node.Add(kept);
            RemoveOrphanedInitializers(graph, index, removed);
            changes.Add($"folded {removed.Count} BatchNormalization nodes into the preceding Conv");
        }

        changes.AddRange(left.Select(l => $"left {l.Value} BatchNormalization nodes as they are: {l.Key}"));
        return new PassReport(Name, changes);
    }

    /// <summary>Folds <paramref name="bn"/> into its Conv; returns null on success, else why it was not folded.</summary>
    private static string? TryFold(GraphProto graph, GraphIndex index, UniqueNames names, NodeProto bn)
    {
        var x = bn.Input[0];
        if (index.Producer(x) is not { OpType: "Conv" } conv || !ModelFacts.IsDefaultDomain(conv.Domain) || conv.Output[0] != x)
        {
            return "input is not a Conv output";
        }

        if (index.Consumers(x).Count != 1 || index.IsGraphOutput(x))
        {
            return "the Conv output is also used elsewhere";
        }

        if (NodeAttributes.GetInt(bn, "training_mode", 0) != 0 || NodeAttributes.GetInt(bn, "spatial", 1) != 1
            || bn.Input.Count < 5 || bn.Output.Skip(1).Any(o => o.Length > 0 && index.IsUsed(o)))
        {
            return "not a per-channel inference BatchNormalization";
        }

        if (FloatInitializer(index, conv.Input.Count > 1 ? conv.Input[1] : string.Empty) is not { Dims.Count: >= 1 } weight)
        {
            return "the Conv weights are not a float initializer";
        }

        var channels = checked((int)weight.Dims[0]);
        var hasBias = conv.Input.Count > 2 && conv.Input[2].Length > 0;
        var convBias = hasBias ? FloatInitializer(index, conv.Input[2]) : null;
        var parameters = bn.Input.Skip(1).Take(4).Select(n => FloatInitializer(index, n)).ToArray();
        if ((hasBias && convBias is null) || parameters.Any(p => p is null || TensorProtos.ElementCount(p) != channels)
            || (convBias is not null && TensorProtos.ElementCount(convBias) != channels))
        {
            return "its parameters or the Conv bias are not float initializers of one value per channel";
        }

        var w = TensorProtos.ToFloats(weight);
        var b = convBias is null ? new float[channels] : TensorProtos.ToFloats(convBias);
        var gamma = TensorProtos.ToFloats(parameters[0]!);
        var beta = TensorProtos.ToFloats(parameters[1]!);
        var mean = TensorProtos.ToFloats(parameters[2]!);
        var variance = TensorProtos.ToFloats(parameters[3]!);
        double epsilon = NodeAttributes.GetFloat(bn, "epsilon", DefaultEpsilon);

        var perChannel = w.Length / channels;
        var foldedW = new float[w.Length];
        var foldedB = new float[channels];
        for (var m = 0; m < channels; m++)
        {
            var s = gamma[m] / Math.Sqrt(variance[m] + epsilon);
            for (var k = m * perChannel; k < (m + 1) * perChannel; k++)
            {
                foldedW[k] = (float)(w[k] * s);
            }

            foldedB[m] = (float)(((double)b[m] - mean[m]) * s + beta[m]);
        }

        // Write in place when the Conv is the only reader of its weights; a shared weight gets a new tensor.
        conv.Input[1] = Store(graph, index, names, weight, foldedW, conv);
        var biasName = convBias is not null && index.Consumers(convBias.Name).Count == 1
            ? convBias.Name
            : names.Make(bn.Output[0] + "_folded_bias");
        if (convBias is not null && biasName == convBias.Name)
        {
            Replace(graph, convBias, TensorProtos.FromFloats(biasName, [channels], foldedB));
        }
        else
        {
            graph.Initializer.Add(TensorProtos.FromFloats(biasName, [channels], foldedB));
        }

        if (conv.Input.Count > 2)
        {
            conv.Input[2] = biasName;
        }
        else
        {
            conv.Input.Add(biasName);
        }

        conv.Output[0] = bn.Output[0];
        var staleInfo = graph.ValueInfo.FirstOrDefault(v => v.Name == x);
        if (staleInfo is not null)
        {
            graph.ValueInfo.Remove(staleInfo);
        }

        return null;
    }

    private static string Store(GraphProto graph, GraphIndex index, UniqueNames names, TensorProto original, float[] values, NodeProto conv)
    {
        var shared = index.Consumers(original.Name).Count > 1;
        var name = shared ? names.Make(conv.Output[0] + "_folded_weight") : original.Name;
        var tensor = TensorProtos.FromFloats(name, [.. original.Dims], values);
        if (shared)
        {
            graph.Initializer.Add(tensor);
        }
        else
        {
            Replace(graph, original, tensor);
        }

        return name;
    }

    private static void Replace(GraphProto graph, TensorProto original, TensorProto replacement)
    {
        var position = graph.Initializer.IndexOf(original);
        graph.Initializer[position] = replacement;
    }

    private static TensorProto? FloatInitializer(GraphIndex index, string name) =>
        name.Length > 0 && !index.IsGraphInput(name) && index.Initializer(name) is { } t && t.DataType == (int)TensorProto.Types.DataType.Float ? t : null;

    private static void RemoveOrphanedInitializers(GraphProto graph, GraphIndex index, HashSet<NodeProto> removed)
    {
        // γ, β, μ, σ² of a folded node are dead unless another node reads them too.
        var orphans = removed
            .SelectMany(bn => bn.Input.Skip(1))
            .Where(n => index.Consumers(n).All(removed.Contains) && !index.IsGraphOutput(n))
            .ToHashSet(StringComparer.Ordinal);
        var dead = graph.Initializer.Where(t => orphans.Contains(t.Name)).ToList();
        foreach (var tensor in dead)
        {
            graph.Initializer.Remove(tensor);
        }
    }
}
