using EdgeTransfer.Artifacts.Text;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Keeps only the part of a graph that computes one tensor (the backbone's feature tensor) and makes that
/// tensor the single graph output. Everything after it (classifier, softmax) and every branch it does not
/// need are dropped; unused initializers are left for <see cref="InitializerPruner"/>.
/// </summary>
/// <remarks>
/// The new output keeps the shape the model declares for the tensor. When it declares none, the output
/// gets its element type only: the ONNX checker wants a shape on graph outputs, which
/// <see cref="FeatureFlattener"/> then provides (rank 2).
/// </remarks>
public sealed class GraphCutter : IModelPass
{
    private const int SuggestionCount = 5;

    /// <summary>Creates the pass.</summary>
    /// <param name="tensorName">The tensor to keep (a node output, or a node name with a single output); null for the model's first output.</param>
    public GraphCutter(string? tensorName = null)
    {
        TensorName = string.IsNullOrEmpty(tensorName) ? null : tensorName;
    }

    /// <summary>The tensor to cut at, or null for the model's first output.</summary>
    public string? TensorName { get; }

    /// <inheritdoc />
    public string Name => "cut";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var changes = new List<string>();
        var target = Resolve(graph, index, changes);

        // Walk back from the target to the graph inputs and initializers it needs.
        var keep = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var needed = new HashSet<string>(StringComparer.Ordinal) { target };
        var pending = new Stack<string>();
        pending.Push(target);
        while (pending.Count > 0)
        {
            if (index.Producer(pending.Pop()) is not { } producer || !keep.Add(producer))
            {
                continue;
            }

            foreach (var input in GraphIndex.InputsOf(producer))
            {
                if (needed.Add(input))
                {
                    pending.Push(input);
                }
            }
        }

        var before = graph.Node.Count;
        var kept = graph.Node.Where(keep.Contains).ToList();
        if (kept.Count != before)
        {
            graph.Node.Clear();
            graph.Node.Add(kept);
            changes.Add($"kept {kept.Count} of {before} nodes");
        }

        var droppedInputs = graph.Input.Where(i => !needed.Contains(i.Name)).Select(i => i.Name).ToList();
        if (droppedInputs.Count > 0)
        {
            var keptInputs = graph.Input.Where(i => needed.Contains(i.Name)).ToList();
            graph.Input.Clear();
            graph.Input.Add(keptInputs);
            if (droppedInputs.Any(index.IsDataInput))
            {
                changes.Add($"dropped unused inputs {string.Join(", ", droppedInputs.Where(index.IsDataInput).Select(n => $"'{n}'"))}");
            }
        }

        if (graph.Output.Count != 1 || graph.Output[0].Name != target)
        {
            var output = ModelFacts.FindValueInfo(graph, target)?.Clone()
                ?? new ValueInfoProto { Name = target, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType(graph, index, target) } } };
            var old = string.Join(", ", graph.Output.Select(o => $"'{o.Name}'"));
            graph.Output.Clear();
            graph.Output.Add(output);
            changes.Add($"output is now '{target}' (was {old})");
        }

        var produced = new HashSet<string>(kept.SelectMany(n => n.Output), StringComparer.Ordinal);
        var staleInfo = graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList();
        foreach (var info in staleInfo)
        {
            graph.ValueInfo.Remove(info);
        }

        return new PassReport(Name, changes);
    }

    private string Resolve(GraphProto graph, GraphIndex index, List<string> changes)
    {
        if (TensorName is null)
        {
            return graph.Output.Count > 0
                ? graph.Output[0].Name
                : throw new GraphException("The model has no outputs; name the tensor to cut at.");
        }

        var name = TensorName;
        if (index.Producer(name) is not null)
        {
            return name;
        }

        if (index.IsDataInput(name))
        {
            throw new GraphException($"Cannot cut at '{name}': it is the model's input, not a tensor computed from it; name a feature tensor.", name);
        }

        if (index.Initializer(name) is not null)
        {
            throw new GraphException($"Cannot cut at '{name}': it is a constant (an initializer), not a tensor computed from the input; name a feature tensor.", name);
        }

        // People often copy a node name from a viewer (Netron) where the tensor name was wanted.
        var byNodeName = graph.Node.Where(n => n.Name == name).ToList();
        if (byNodeName is [{ Output: [var only] }] && only.Length > 0)
        {
            changes.Add($"'{name}' is a node; cut at its output '{only}'");
            return only;
        }

        var suggestions = NameSuggestions.Closest(index.TensorNames().Where(n => index.Producer(n) is not null), name, SuggestionCount);
        var hint = suggestions.Count > 0 ? $" Did you mean {string.Join(", ", suggestions.Select(s => $"'{s}'"))}?" : string.Empty;
        throw new GraphException($"Cannot cut at '{name}': the model has no tensor of that name.{hint}", name, suggestions);
    }

    // The element type of a tensor the model declares nowhere: most operators return the type of their
    // first input; the few that return indices, shapes or booleans say so here.
    private static int ElementType(GraphProto graph, GraphIndex index, string tensor)
    {
        for (var depth = 0; depth < 10_000; depth++)
        {
            if (ModelFacts.FindValueInfo(graph, tensor)?.Type?.TensorType is { ElemType: > 0 } declared)
            {
                return declared.ElemType;
            }

            if (index.Initializer(tensor) is { } initializer)
            {
                return initializer.DataType;
            }

            if (index.Producer(tensor) is not { } producer)
            {
                break;
            }

            switch (producer.OpType)
            {
                case "Shape" or "Size" or "ArgMax" or "ArgMin" or "NonZero" or "NonMaxSuppression":
                    return (int)TensorProto.Types.DataType.Int64;
                case "Equal" or "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual" or "Not" or "And" or "Or" or "Xor" or "IsNaN" or "IsInf":
                    return (int)TensorProto.Types.DataType.Bool;
                case "Cast":
                    return (int)NodeAttributes.GetInt(producer, "to", (long)TensorProto.Types.DataType.Float);
                case "Constant" when NodeAttributes.Find(producer, "value")?.T is { } value:
                    return value.DataType;
                default:
                    if (producer.Input.FirstOrDefault(i => i.Length > 0) is not { } first)
                    {
                        return (int)TensorProto.Types.DataType.Float;
                    }

                    tensor = first;
                    break;
            }
        }

        return (int)TensorProto.Types.DataType.Float;
    }
}
