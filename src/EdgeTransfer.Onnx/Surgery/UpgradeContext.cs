using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>What an opset change needs while it rewrites one node: new names, new constants, nodes to add around it.</summary>
internal sealed class UpgradeContext
{
    private readonly List<NodeProto> _before = [];
    private readonly List<NodeProto> _after = [];
    private readonly Dictionary<string, int> _notes = new(StringComparer.Ordinal);

    public UpgradeContext(ModelProto model, long fromOpset, long toOpset)
    {
        Graph = model.Graph;
        Index = new GraphIndex(model.Graph);
        Names = new UniqueNames(model.Graph);
        FromOpset = fromOpset;
        ToOpset = toOpset;
    }

    public GraphProto Graph { get; }

    /// <summary>The graph as it was before the pass (consumers, constants).</summary>
    public GraphIndex Index { get; }

    public UniqueNames Names { get; }

    public long FromOpset { get; }

    public long ToOpset { get; }

    public IReadOnlyDictionary<string, int> Notes => _notes;

    /// <summary>Records a change for the report; identical changes are counted, not repeated.</summary>
    public void Note(NodeProto node, string change)
    {
        var key = $"{node.OpType}: {change}";
        _notes[key] = _notes.GetValueOrDefault(key) + 1;
    }

    public void InsertBefore(NodeProto node) => _before.Add(node);

    public void InsertAfter(NodeProto node) => _after.Add(node);

    /// <summary>Moves the nodes queued around the current node into <paramref name="nodes"/> in order.</summary>
    public void Flush(NodeProto current, List<NodeProto> nodes)
    {
        nodes.AddRange(_before);
        nodes.Add(current);
        nodes.AddRange(_after);
        _before.Clear();
        _after.Clear();
    }

    /// <summary>Adds an int64 vector initializer (shape, axes, pads, …) and returns its name.</summary>
    public string AddInt64s(string hint, IReadOnlyList<long> values)
    {
        var name = Names.Make(hint);
        Graph.Initializer.Add(TensorProtos.Int64Vector(name, [.. values]));
        return name;
    }

    /// <summary>Adds a float scalar initializer and returns its name.</summary>
    public string AddFloatScalar(string hint, float value)
    {
        var name = Names.Make(hint);
        Graph.Initializer.Add(TensorProtos.FloatScalar(name, value));
        return name;
    }

    /// <summary>The rank of a tensor when the graph declares it, else null.</summary>
    public int? RankOf(string tensor)
    {
        if (Index.Initializer(tensor) is { } initializer)
        {
            return initializer.Dims.Count;
        }

        return ModelFacts.Shape(ModelFacts.FindValueInfo(Graph, tensor))?.Length;
    }

    /// <summary>The element type of a tensor when the graph declares it, else null.</summary>
    public int? ElementTypeOf(string tensor)
    {
        if (Index.Initializer(tensor) is { } initializer)
        {
            return initializer.DataType;
        }

        return ModelFacts.FindValueInfo(Graph, tensor)?.Type?.TensorType?.ElemType is > 0 and var type ? type : null;
    }

    /// <summary>An error that names the node, its operator and the versions, with the reason.</summary>
    public GraphException Refuse(NodeProto node, string reason) =>
        new($"Node '{ModelFacts.Describe(node)}' ({node.OpType}) cannot be upgraded from opset {FromOpset} to {ToOpset}: {reason}", node.Name.Length > 0 ? node.Name : null);
}
