using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Model;

/// <summary>Makes tensor and node names that do not clash with any name already in a graph.</summary>
internal sealed class UniqueNames
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public UniqueNames(GraphProto graph)
    {
        _taken.UnionWith(graph.Input.Select(i => i.Name));
        _taken.UnionWith(graph.Output.Select(o => o.Name));
        _taken.UnionWith(graph.Initializer.Select(i => i.Name));
        _taken.UnionWith(graph.ValueInfo.Select(v => v.Name));
        foreach (var node in graph.Node)
        {
            _taken.UnionWith(node.Output);
            _taken.UnionWith(node.Input);
            if (node.Name.Length > 0)
            {
                _taken.Add(node.Name);
            }
        }
    }

    /// <summary>Returns <paramref name="hint"/>, or it with the smallest free numeric suffix.</summary>
    public string Make(string hint)
    {
        if (_taken.Add(hint))
        {
            return hint;
        }

        for (var i = 1; ; i++)
        {
            var candidate = hint + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
