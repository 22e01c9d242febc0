using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Model;

/// <summary>
/// A snapshot of who produces and who consumes each tensor of a graph. Passes build one, edit the graph,
/// and build a new one: it does not follow edits.
/// </summary>
internal sealed class GraphIndex
{
    private static readonly IReadOnlyList<NodeProto> NoNodes = [];

    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphInputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var tensor in graph.Initializer)
        {
            _initializers.TryAdd(tensor.Name, tensor);
        }

        foreach (var input in graph.Input)
        {
            _graphInputs.Add(input.Name);
        }

        foreach (var output in graph.Output)
        {
            _graphOutputs.Add(output.Name);
        }

        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                if (output.Length > 0)
                {
                    _producers.TryAdd(output, node);
                }
            }

            foreach (var input in InputsOf(node))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    list = [];
                    _consumers[input] = list;
                }

                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    public IReadOnlyDictionary<string, TensorProto> Initializers => _initializers;

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out var list) ? list : NoNodes;

    public bool IsGraphOutput(string tensor) => _graphOutputs.Contains(tensor);

    /// <summary>A graph input that is not also an initializer: data the caller feeds.</summary>
    public bool IsDataInput(string tensor) => _graphInputs.Contains(tensor) && !_initializers.ContainsKey(tensor);

    public bool IsGraphInput(string tensor) => _graphInputs.Contains(tensor);

    public TensorProto? Initializer(string tensor) => _initializers.GetValueOrDefault(tensor);

    /// <summary>The value of a constant tensor: an initializer (not overridable as an input) or a Constant node's value.</summary>
    public TensorProto? ConstantValue(string tensor)
    {
        if (_initializers.TryGetValue(tensor, out var initializer))
        {
            return _graphInputs.Contains(tensor) ? null : initializer;
        }

        var producer = Producer(tensor);
        return producer is { OpType: "Constant" } && (producer.Domain.Length == 0 || producer.Domain == "ai.onnx")
            ? NodeAttributes.Find(producer, "value")?.T
            : null;
    }

    /// <summary>Whether any node reads the tensor or it is a graph output.</summary>
    public bool IsUsed(string tensor) => _consumers.ContainsKey(tensor) || _graphOutputs.Contains(tensor);

    /// <summary>Every tensor name the graph mentions: graph inputs, initializers and node outputs.</summary>
    public IEnumerable<string> TensorNames() =>
        _graphInputs.Concat(_initializers.Keys).Concat(_producers.Keys).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The tensors a node reads: its explicit inputs and the outer-scope names its subgraphs (If, Loop,
    /// Scan bodies) use, so that cutting and pruning never drop what a subgraph needs.
    /// </summary>
    public static IEnumerable<string> InputsOf(NodeProto node)
    {
        foreach (var input in node.Input)
        {
            if (input.Length > 0)
            {
                yield return input;
            }
        }

        foreach (var attribute in node.Attribute)
        {
            foreach (var subgraph in attribute.Graphs.Append(attribute.G))
            {
                if (subgraph is null)
                {
                    continue;
                }

                foreach (var name in OuterNames(subgraph))
                {
                    yield return name;
                }
            }
        }
    }

    private static HashSet<string> OuterNames(GraphProto subgraph)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        defined.UnionWith(subgraph.Input.Select(i => i.Name));
        defined.UnionWith(subgraph.Initializer.Select(i => i.Name));
        var outer = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in subgraph.Node)
        {
            foreach (var input in InputsOf(node))
            {
                if (!defined.Contains(input))
                {
                    outer.Add(input);
                }
            }

            defined.UnionWith(node.Output);
        }

        foreach (var output in subgraph.Output)
        {
            if (!defined.Contains(output.Name))
            {
                outer.Add(output.Name);
            }
        }

        return outer;
    }
}
