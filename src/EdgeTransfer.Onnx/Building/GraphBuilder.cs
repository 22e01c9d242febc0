using System.Globalization;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Onnx.Building;

/// <summary>
/// Builds an ONNX graph node by node: typed inputs and outputs (with symbolic dimensions), initializers
/// and nodes whose intermediate names are made unique automatically. <see cref="Build"/> produces a
/// model with IR version <see cref="IrVersion"/> and the standard domain at opset <see cref="OpsetVersion"/>.
/// </summary>
/// <remarks>
/// Every name a node reads must already exist (a graph input, an initializer or an earlier node's output):
/// nodes are added in topological order, as the ONNX IR requires of <c>GraphProto.node</c>.
/// Not thread-safe.
/// </remarks>
public sealed class GraphBuilder
{
    /// <summary>The ONNX IR version written (8 = ONNX 1.10–1.12; readable by onnx 1.12's checker).</summary>
    public const long IrVersion = 8;

    /// <summary>The opset of the standard ONNX domain written (17 is the highest onnx 1.12 knows).</summary>
    public const long OpsetVersion = 17;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph.</summary>
    /// <param name="graphName">The graph name stored in the model.</param>
    public GraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Adds a graph input.</summary>
    /// <param name="name">The input name; must not be taken yet.</param>
    /// <param name="type">The element type.</param>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    /// <returns><paramref name="name"/>, for chaining into nodes.</returns>
    public string AddInput(string name, TensorProto.Types.DataType type, params ShapeDim[] shape)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares an existing value (input, initializer or node output) as a graph output.</summary>
    /// <param name="name">The value name.</param>
    /// <param name="type">The element type.</param>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    public void AddOutput(string name, TensorProto.Types.DataType type, params ShapeDim[] shape)
    {
        RequireDefined(name, "graph output");
        _graph.Output.Add(ValueInfo(name, type, shape));
    }

    /// <summary>Adds an initializer (a constant tensor stored in the graph).</summary>
    /// <param name="tensor">The tensor; its name must not be taken yet.</param>
    /// <returns>The tensor name.</returns>
    public string AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Claim(tensor.Name);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a float scalar constant with a unique name derived from <paramref name="hint"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="hint">A readable base for the name.</param>
    /// <returns>The constant's name.</returns>
    public string Scalar(float value, string hint = "const") =>
        AddInitializer(TensorProtos.FloatScalar(UniqueName(hint), value));

    /// <summary>Adds a float vector constant (shape [n]).</summary>
    /// <param name="values">The values.</param>
    /// <param name="hint">A readable base for the name.</param>
    /// <returns>The constant's name.</returns>
    public string Floats(float[] values, string hint = "const")
    {
        ArgumentNullException.ThrowIfNull(values);
        return AddInitializer(TensorProtos.FromFloats(UniqueName(hint), [values.Length], values));
    }

    /// <summary>Adds an int64 vector constant (shape [n]), the form of axes and shape inputs since opset 13.</summary>
    /// <param name="hint">A readable base for the name.</param>
    /// <param name="values">The values.</param>
    /// <returns>The constant's name.</returns>
    public string Int64s(string hint, params long[] values) =>
        AddInitializer(TensorProtos.Int64Vector(UniqueName(hint), values));

    /// <summary>Adds a node with one output whose name is made unique from the operator type.</summary>
    /// <param name="opType">The operator (standard domain).</param>
    /// <param name="inputs">The input names, in the operator's order; "" skips an optional input.</param>
    /// <param name="attributes">The attributes.</param>
    /// <returns>The output name.</returns>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, UniqueName(opType.ToLowerInvariant()), attributes);

    /// <summary>Adds a node with one output of a given name (a graph output, typically).</summary>
    /// <param name="opType">The operator (standard domain).</param>
    /// <param name="inputs">The input names; "" skips an optional input.</param>
    /// <param name="output">The output name; must not be taken yet.</param>
    /// <param name="attributes">The attributes.</param>
    /// <returns><paramref name="output"/>.</returns>
    public string Node(string opType, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var input in inputs)
        {
            if (input.Length > 0)
            {
                RequireDefined(input, $"input of {opType}");
            }
        }

        Claim(output);
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(opType) };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>A name not used yet in this graph, derived from <paramref name="hint"/>; it is not reserved until used.</summary>
    /// <param name="hint">The readable base.</param>
    public string UniqueName(string hint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hint);
        if (!_names.Contains(hint))
        {
            return hint;
        }

        _counters.TryGetValue(hint, out var n);
        string candidate;
        do
        {
            n++;
            candidate = string.Create(CultureInfo.InvariantCulture, $"{hint}_{n}");
        }
        while (_names.Contains(candidate));

        _counters[hint] = n;
        return candidate;
    }

    /// <summary>Produces the model. The builder can be used no further afterwards without side effects on it.</summary>
    /// <param name="docString">A description stored in the model.</param>
    /// <exception cref="GraphException">The graph has no output.</exception>
    public ModelProto Build(string? docString = null)
    {
        if (_graph.Output.Count == 0)
        {
            throw new GraphException($"Graph '{_graph.Name}' has no output; declare at least one with AddOutput.");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "EdgeTransfer",
            ProducerVersion = typeof(GraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString ?? string.Empty,
            Graph = _graph.Clone(),
        };
        // An empty domain is the standard "ai.onnx" domain; nothing else is imported (docs/bundle.md).
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, ShapeDim[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape)
        {
            tensorShape.Dim.Add(d.IsSymbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = d.Symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = d.Size });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new GraphException($"Graph '{_graph.Name}' already has a value named '{name}'; every value in an ONNX graph is assigned once.", name);
        }
    }

    private void RequireDefined(string name, string role)
    {
        if (!_names.Contains(name))
        {
            throw new GraphException($"Graph '{_graph.Name}': '{name}' ({role}) is not defined yet; add the input, initializer or node that produces it first.", name);
        }
    }

    private string UniqueNodeName(string opType)
    {
        var n = _nodeNames.Count;
        string candidate;
        do
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{opType}_{n++}");
        }
        while (!_nodeNames.Add(candidate));

        return candidate;
    }
}
