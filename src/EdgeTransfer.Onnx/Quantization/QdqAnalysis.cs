using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Decides, from the float graph, which nodes are quantized, which Relus are folded into the output
/// range of the Conv/Add before them, and which activation tensors get a QuantizeLinear.
/// </summary>
/// <remarks>
/// The same analysis serves calibration (no ranges yet: every structurally quantizable node counts) and
/// quantization (a node whose ranges are missing falls back to float), so the two always agree on names.
/// </remarks>
internal sealed class QdqAnalysis
{
    /// <summary>Opset 13 is the first where DequantizeLinear takes an axis (per-channel weights).</summary>
    public const long MinimumOpset = 13;

    private static readonly HashSet<string> LayoutOps = new(StringComparer.Ordinal)
    {
        "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Transpose",
    };

    private static readonly HashSet<string> IntegerProducers = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "NonZero", "ArgMax", "ArgMin",
    };

    private readonly Dictionary<NodeProto, NodeProto> _absorbedBy = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<NodeProto> _absorbedRelus = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<NodeProto> _quantized = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NodeProto, string> _floatReasons = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _tiedTo = new(StringComparer.Ordinal);
    private readonly List<string> _calibrated = [];
    private readonly HashSet<string> _quantizedTensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonNegative = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _elementTypes = new(StringComparer.Ordinal);

    private QdqAnalysis(ModelProto model)
    {
        Index = new GraphIndex(model.Graph);
    }

    public GraphIndex Index { get; }

    /// <summary>Tensors whose range is calibrated, in graph order.</summary>
    public IReadOnlyList<string> CalibratedTensors => _calibrated;

    /// <summary>Every tensor that gets a QuantizeLinear: the calibrated ones and MaxPool outputs tied to their input.</summary>
    public IReadOnlySet<string> QuantizedTensors => _quantizedTensors;

    /// <summary>MaxPool output → its input: the output reuses the input's scale and zero point.</summary>
    public IReadOnlyDictionary<string, string> TiedTo => _tiedTo;

    public IReadOnlySet<string> NonNegative => _nonNegative;

    public IReadOnlyDictionary<NodeProto, string> FloatReasons => _floatReasons;

    public bool IsQuantized(NodeProto node) => _quantized.Contains(node);

    public bool IsAbsorbedRelu(NodeProto node) => _absorbedRelus.Contains(node);

    public int AbsorbedReluCount => _absorbedRelus.Count;

    /// <summary>The tensor a quantized node writes: its own output, or the output of the Relu folded into it.</summary>
    public string OutputOf(NodeProto node) =>
        _absorbedBy.TryGetValue(node, out var relu) ? relu.Output[0] : node.Output[0];

    /// <summary>The float activation inputs of a quantizable node (weights and biases are not activations).</summary>
    public static IEnumerable<string> ActivationInputs(NodeProto node) => node.OpType switch
    {
        "Add" => [node.Input[0], node.Input[1]],
        _ => [node.Input[0]],
    };

    /// <summary>Analyses <paramref name="model"/>; with <paramref name="ranges"/>, nodes lacking a range stay float.</summary>
    public static QdqAnalysis Run(ModelProto model, QuantizationOptions options, IReadOnlyDictionary<string, TensorRange>? ranges)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
        {
            throw new GraphException("The model has no graph to quantize.");
        }

        var opset = ModelFacts.DefaultOpset(model);
        if (opset is null || opset < MinimumOpset)
        {
            throw new GraphException($"The model imports the standard ONNX domain at opset {opset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; static QDQ quantization needs opset {MinimumOpset} or newer (per-channel DequantizeLinear). Upgrade the model first (OpsetUpgrader).");
        }

        var analysis = new QdqAnalysis(model);
        analysis.InferElementTypes();
        analysis.Classify(options, ranges);
        return analysis;
    }

    private void Classify(QuantizationOptions options, IReadOnlyDictionary<string, TensorRange>? ranges)
    {
        var graph = Index.Graph;
        foreach (var node in graph.Node)
        {
            var reason = StructuralReason(node, options);
            if (reason is null)
            {
                _quantized.Add(node);
            }
            else
            {
                _floatReasons[node] = reason;
            }
        }

        // A Relu right after a quantized Conv/Add disappears: the output range starts at 0, so
        // QuantizeLinear saturates every negative value to the zero point, which dequantizes to exactly 0.
        foreach (var node in graph.Node)
        {
            if (node.OpType is "Conv" or "Add" && _quantized.Contains(node) && FoldableRelu(node, options) is { } relu)
            {
                _absorbedBy[node] = relu;
            }
        }

        // In graph order, so that a MaxPool's tie exists before any reader of its output is checked.
        foreach (var node in graph.Node)
        {
            if (!_quantized.Contains(node))
            {
                continue;
            }

            var missing = ranges is null
                ? null
                : RequiredRanges(node).FirstOrDefault(t => !_tiedTo.ContainsKey(t) && !ranges.ContainsKey(t));
            if (missing is not null)
            {
                _quantized.Remove(node);
                _absorbedBy.Remove(node);
                _floatReasons[node] = $"no calibrated range for tensor '{missing}'; calibrate with the same options and model.";
                continue;
            }

            if (node.OpType == "MaxPool")
            {
                // ORT drops DQ → MaxPool → Q only when both sides share scale and zero point; max commutes with
                // a monotone quantization, so the uint8 MaxPool is then exact.
                _tiedTo[node.Output[0]] = node.Input[0];
                _quantizedTensors.Add(node.Output[0]);
            }
        }

        foreach (var (_, relu) in _absorbedBy)
        {
            _absorbedRelus.Add(relu);
            _floatReasons.Remove(relu);
        }

        foreach (var node in graph.Node)
        {
            if (!_quantized.Contains(node))
            {
                continue;
            }

            foreach (var t in RequiredRanges(node))
            {
                if (_quantizedTensors.Add(t))
                {
                    _calibrated.Add(t);
                }
            }
        }

        foreach (var t in _calibrated)
        {
            if (IsNonNegative(t))
            {
                _nonNegative.Add(t);
            }
        }
    }

    private IEnumerable<string> RequiredRanges(NodeProto node)
    {
        foreach (var input in ActivationInputs(node))
        {
            yield return input;
        }

        if (node.OpType != "MaxPool")
        {
            yield return OutputOf(node);
        }
    }

    private bool IsNonNegative(string tensor)
    {
        if (Index.Producer(tensor) is { OpType: "Relu" } producer && ModelFacts.IsDefaultDomain(producer.Domain))
        {
            return true;
        }

        // Only when every reader is a Relu: a second reader (a residual Add, say) needs the negative values.
        var consumers = Index.Consumers(tensor);
        return consumers.Count > 0 && !Index.IsGraphOutput(tensor) && consumers.All(c => c.OpType == "Relu" && ModelFacts.IsDefaultDomain(c.Domain));
    }

    private NodeProto? FoldableRelu(NodeProto producer, QuantizationOptions options)
    {
        var output = producer.Output[0];
        if (Index.IsGraphOutput(output))
        {
            return null;
        }

        var consumers = Index.Consumers(output);
        return consumers.Count == 1
            && consumers[0] is { OpType: "Relu" } relu
            && ModelFacts.IsDefaultDomain(relu.Domain)
            && relu.Input.Count == 1
            && !options.ExcludedNodes.Contains(relu.Name)
            ? relu
            : null;
    }

    private string? StructuralReason(NodeProto node, QuantizationOptions options)
    {
        if (node.Name.Length > 0 && options.ExcludedNodes.Contains(node.Name))
        {
            return "excluded by the quantization options.";
        }

        if (!ModelFacts.IsDefaultDomain(node.Domain))
        {
            return $"operator {node.Domain}.{node.OpType} is not a standard ONNX operator; it has no quantized form here.";
        }

        switch (node.OpType)
        {
            case "Conv":
                return ConvReason(node);
            case "Add":
                if (node.Input.Count != 2 || node.Output.Count != 1)
                {
                    return "Add does not have exactly two inputs and one output.";
                }

                return node.Input.Any(i => Index.ConstantValue(i) is not null || Index.Initializer(i) is not null)
                    ? "one input is a constant; only the sum of two activations maps to QLinearAdd."
                    : ActivationTypeReason(node);
            case "MaxPool":
                if (node.Output.Count > 1 && node.Output[1].Length > 0)
                {
                    return "MaxPool also returns indices, which have no quantized form.";
                }

                return InputConstantReason(node) ?? ActivationTypeReason(node);
            case "AveragePool":
            case "GlobalAveragePool":
                return InputConstantReason(node) ?? ActivationTypeReason(node);
            case "Relu":
                return "Relu not directly after a quantized Conv/Add (or sharing its input) runs in float.";
            default:
                return LayoutOps.Contains(node.OpType)
                    ? $"{node.OpType} only moves data; it runs on the dequantized float tensor."
                    : $"{node.OpType} has no QDQ pattern that ONNX Runtime fuses into an int8 kernel; it runs in float between DequantizeLinear and QuantizeLinear.";
        }
    }

    private string? ConvReason(NodeProto node)
    {
        if (node.Input.Count < 2 || node.Output.Count != 1)
        {
            return "Conv does not have a weight input and one output.";
        }

        if (InputConstantReason(node) is { } constantInput)
        {
            return constantInput;
        }

        var weight = Index.ConstantValue(node.Input[1]);
        if (weight is null || Index.Initializer(node.Input[1]) is null)
        {
            return $"its weight '{node.Input[1]}' is not a constant initializer.";
        }

        if (weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count < 3 || weight.Dims[0] < 1)
        {
            return $"its weight '{node.Input[1]}' is not a float tensor of rank 3 or more.";
        }

        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            var bias = Index.ConstantValue(node.Input[2]);
            if (bias is null || Index.Initializer(node.Input[2]) is null || bias.DataType != (int)TensorProto.Types.DataType.Float
                || bias.Dims.Count != 1 || bias.Dims[0] != weight.Dims[0])
            {
                return $"its bias '{node.Input[2]}' is not a constant float vector of {weight.Dims[0]} values.";
            }
        }

        return ActivationTypeReason(node);
    }

    private string? InputConstantReason(NodeProto node) =>
        Index.Initializer(node.Input[0]) is not null || Index.ConstantValue(node.Input[0]) is not null
            ? $"its input '{node.Input[0]}' is a constant, not an activation."
            : null;

    private string? ActivationTypeReason(NodeProto node)
    {
        foreach (var t in ActivationInputs(node).Append(node.Output[0]))
        {
            if (_elementTypes.TryGetValue(t, out var type) && type != (int)TensorProto.Types.DataType.Float)
            {
                return $"tensor '{t}' is {(TensorProto.Types.DataType)type}, not float.";
            }
        }

        return null;
    }

    /// <summary>
    /// Element types where the graph declares them or they follow simply (shape arithmetic is int64):
    /// quantizing an int64 Add would be a bug, so known non-float tensors keep their node in float.
    /// </summary>
    private void InferElementTypes()
    {
        var graph = Index.Graph;
        foreach (var v in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (v.Type?.TensorType is { ElemType: > 0 } t)
            {
                _elementTypes[v.Name] = t.ElemType;
            }
        }

        foreach (var i in graph.Initializer)
        {
            _elementTypes[i.Name] = i.DataType;
        }

        foreach (var node in graph.Node)
        {
            int? type = null;
            if (IntegerProducers.Contains(node.OpType))
            {
                type = (int)TensorProto.Types.DataType.Int64;
            }
            else if (node.OpType == "Cast" && NodeAttributes.Find(node, "to") is { } to)
            {
                type = (int)to.I;
            }
            else if (node.OpType == "Constant" && NodeAttributes.Find(node, "value") is { T: { } value })
            {
                type = value.DataType;
            }
            else
            {
                foreach (var input in node.Input)
                {
                    if (input.Length > 0 && _elementTypes.TryGetValue(input, out var known))
                    {
                        type = known;
                        break;
                    }
                }
            }

            if (type is { } found && node.Output.Count > 0 && node.Output[0].Length > 0)
            {
                _elementTypes.TryAdd(node.Output[0], found);
            }
        }
    }
}
