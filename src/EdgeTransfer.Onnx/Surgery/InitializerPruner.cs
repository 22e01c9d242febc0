using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Removes what the graph outputs do not need: nodes whose outputs nobody reads, initializers no node
/// reads, and value_info of tensors that no longer exist. From IR version 4 on, initializers need not be
/// graph inputs; listing them as inputs makes them overridable and hides them from constant folding, so
/// they are removed from the inputs.
/// </summary>
public sealed class InitializerPruner : IModelPass
{
    // IR version 4 made initializers independent of graph inputs (ONNX IR.md, "Graphs").
    private const long FirstIrWithoutInitializerInputs = 4;

    /// <inheritdoc />
    public string Name => "prune";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var changes = new List<string>();

        var deadNodes = RemoveDeadNodes(graph);
        if (deadNodes > 0)
        {
            changes.Add($"removed {deadNodes} nodes whose outputs are not used");
        }

        var used = new HashSet<string>(graph.Node.SelectMany(GraphIndex.InputsOf), StringComparer.Ordinal);
        used.UnionWith(graph.Output.Select(o => o.Name));
        var unused = graph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        if (unused.Count > 0)
        {
            var bytes = unused.Sum(t => (long)t.CalculateSize());
            foreach (var tensor in unused)
            {
                graph.Initializer.Remove(tensor);
            }

            changes.Add($"removed {unused.Count} unused initializers ({bytes / 1024} KiB)");
        }

        // An input that mirrored a removed initializer goes with it; from IR 4 on, so does one that mirrors a kept initializer.
        var removedNames = new HashSet<string>(unused.Select(t => t.Name), StringComparer.Ordinal);
        var keptNames = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        var staleInputs = graph.Input
            .Where(i => removedNames.Contains(i.Name) || (model.IrVersion >= FirstIrWithoutInitializerInputs && keptNames.Contains(i.Name)))
            .ToList();
        if (staleInputs.Count > 0)
        {
            foreach (var input in staleInputs)
            {
                graph.Input.Remove(input);
            }

            changes.Add($"removed {staleInputs.Count} initializers from the graph inputs");
        }

        var produced = new HashSet<string>(graph.Node.SelectMany(n => n.Output), StringComparer.Ordinal);
        var staleInfo = graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList();
        foreach (var info in staleInfo)
        {
            graph.ValueInfo.Remove(info);
        }

        return new PassReport(Name, changes);
    }

    private static int RemoveDeadNodes(GraphProto graph)
    {
        // Walk backwards once: a node is live when a graph output or a live node reads one of its outputs.
        var live = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var keep = new bool[graph.Node.Count];
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(live.Contains))
            {
                continue;
            }

            keep[i] = true;
            live.UnionWith(GraphIndex.InputsOf(node));
        }

        var removed = keep.Count(k => !k);
        if (removed > 0)
        {
            var kept = graph.Node.Where((_, i) => keep[i]).ToList();
            graph.Node.Clear();
            graph.Node.Add(kept);
        }

        return removed;
    }
}
