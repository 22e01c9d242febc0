using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Writes the QDQ graph that an analysis describes. The placement follows what ONNX Runtime's CPU QDQ
/// selectors fuse (docs/quantization.md): every quantized node reads its activations through a
/// DequantizeLinear of its own and writes only into one QuantizeLinear, so DQ → Conv → Q becomes
/// QLinearConv, DQ,DQ → Add → Q becomes QLinearAdd, and DQ → MaxPool → Q (same parameters) runs MaxPool on uint8.
/// </summary>
internal sealed class QdqRewriter
{
    private readonly QdqAnalysis _analysis;
    private readonly QuantizationOptions _options;
    private readonly GraphProto _graph;
    private readonly UniqueNames _names;
    private readonly TensorProto.Types.DataType _activationType;
    private readonly Dictionary<string, ActivationParameters> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QuantizedWeight> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _quantizedNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _replacedInitializers = new(StringComparer.Ordinal);
    private readonly List<NodeProto> _nodes = [];
    private readonly List<TensorProto> _newInitializers = [];
    private readonly List<string> _int4Weights = [];
    private long _floatParameterBytes;

    private QdqRewriter(ModelProto output, QdqAnalysis analysis, QuantizationOptions options)
    {
        _analysis = analysis;
        _options = options;
        _graph = output.Graph;
        _names = new UniqueNames(_graph);
        _activationType = options.ActivationType == ActivationType.UInt8
            ? TensorProto.Types.DataType.Uint8
            : TensorProto.Types.DataType.Int8;
    }

    public static QuantizationResult Rewrite(ModelProto model, QdqAnalysis analysis, IReadOnlyDictionary<string, TensorRange> ranges, QuantizationOptions options)
    {
        var output = model.Clone();
        var rewriter = new QdqRewriter(output, analysis, options);
        rewriter.MakeActivationParameters(ranges);
        rewriter.EmitNodes();
        var counts = rewriter.Finish();
        var report = new QuantizationReport
        {
            ActivationType = options.ActivationType,
            PerChannel = options.PerChannel,
            ReducedWeightRange = options.ReduceWeightRange,
            Int4Weights = [.. rewriter._int4Weights],
            QuantizedNodeCounts = counts,
            AbsorbedReluCount = analysis.AbsorbedReluCount,
            QuantizedTensorCount = analysis.QuantizedTensors.Count,
            FloatOps = [.. model.Graph.Node
                .Where(n => analysis.FloatReasons.ContainsKey(n))
                .Select(n => new FloatOp(ModelFacts.Describe(n), ModelFacts.IsDefaultDomain(n.Domain) ? n.OpType : $"{n.Domain}.{n.OpType}", analysis.FloatReasons[n]))],
            FloatParameterBytes = rewriter._floatParameterBytes,
            QuantizedParameterBytes = rewriter._newInitializers.Sum(t => (long)t.RawData.Length),
            FloatModelBytes = model.CalculateSize(),
            QuantizedModelBytes = output.CalculateSize(),
        };
        return new QuantizationResult(output, report);
    }

    private void MakeActivationParameters(IReadOnlyDictionary<string, TensorRange> ranges)
    {
        foreach (var tensor in _analysis.CalibratedTensors)
        {
            var range = ranges[tensor];
            if (!range.IsValid)
            {
                throw new GraphException($"The calibrated range of tensor '{tensor}' is [{range.Min}, {range.Max}], which is not a finite interval; the calibration data produced NaN or infinite activations. Check the preprocessing of the calibration images.", tensor);
            }

            if (_analysis.NonNegative.Contains(tensor))
            {
                // Exactly 0, not "about 0": the folded Relu relies on the zero point being the lowest code.
                range = new TensorRange(0f, Math.Max(range.Max, 0f));
            }

            var (scale, zeroPoint) = QuantMath.Activation(range, _options.ActivationType);
            var scaleName = _names.Make(tensor + "_scale");
            var zeroName = _names.Make(tensor + "_zero_point");
            AddInitializer(TensorProtos.FromFloats(scaleName, [], [scale]));
            AddInitializer(_activationType == TensorProto.Types.DataType.Uint8
                ? TensorProtos.FromUInt8s(zeroName, [], [(byte)zeroPoint])
                : TensorProtos.FromInt8s(zeroName, [], [(sbyte)zeroPoint]));
            _parameters[tensor] = new ActivationParameters(scaleName, zeroName, scale);
        }

        foreach (var (output, input) in _analysis.TiedTo)
        {
            var source = input;
            while (_analysis.TiedTo.TryGetValue(source, out var next))
            {
                source = next;
            }

            _parameters[output] = _parameters[source];
        }
    }

    private void EmitNodes()
    {
        foreach (var input in _graph.Input)
        {
            if (_analysis.QuantizedTensors.Contains(input.Name))
            {
                EmitQuantize(input.Name, input.Name);
            }
        }

        // The analysis knows the original nodes (by reference); the copy's nodes are replaced wholesale in Finish.
        var original = _analysis.Index.Graph.Node;
        foreach (var node in original)
        {
            if (_analysis.IsAbsorbedRelu(node))
            {
                continue;
            }

            var quantized = _analysis.IsQuantized(node);
            var copy = node.Clone();
            for (var i = 0; i < copy.Input.Count; i++)
            {
                var name = copy.Input[i];
                if (ReadsThroughDequantize(name, quantized))
                {
                    copy.Input[i] = EmitDequantize(name);
                }
            }

            if (quantized && node.OpType == "Conv")
            {
                QuantizeConvParameters(node, copy);
            }

            var postQuantize = new List<(string Float, string Tensor, bool ToGraphOutput)>();
            if (quantized)
            {
                var tensor = _analysis.OutputOf(node);
                var isGraphOutput = _analysis.Index.IsGraphOutput(tensor);
                // The quantized node's output must feed its QuantizeLinear only, or ORT does not fuse it:
                // a graph output gets its float value back from a DequantizeLinear of its own.
                var floatName = isGraphOutput ? _names.Make(tensor + "_prequantize") : tensor;
                copy.Output[0] = floatName;
                postQuantize.Add((floatName, tensor, isGraphOutput));
            }
            else
            {
                foreach (var output in copy.Output)
                {
                    if (output.Length > 0 && _analysis.QuantizedTensors.Contains(output))
                    {
                        postQuantize.Add((output, output, false));
                    }
                }
            }

            _nodes.Add(copy);
            foreach (var (floatName, tensor, toGraphOutput) in postQuantize)
            {
                EmitQuantize(floatName, tensor);
                if (toGraphOutput)
                {
                    _nodes.Add(DequantizeNode(tensor, tensor));
                }
            }
        }
    }

    /// <summary>
    /// Quantized nodes always read through a DequantizeLinear. A float node reads the float tensor where it
    /// still exists (a graph input or a float producer's output), and a dequantized copy where the producer is
    /// a quantized node, whose float output is reserved for its QuantizeLinear.
    /// </summary>
    private bool ReadsThroughDequantize(string tensor, bool consumerIsQuantized)
    {
        if (tensor.Length == 0 || !_analysis.QuantizedTensors.Contains(tensor))
        {
            return false;
        }

        if (consumerIsQuantized)
        {
            return true;
        }

        var producer = _analysis.Index.Producer(tensor);
        if (producer is not null && _analysis.IsAbsorbedRelu(producer))
        {
            return true;
        }

        return producer is not null && _analysis.IsQuantized(producer);
    }

    private void EmitQuantize(string floatName, string tensor)
    {
        var p = _parameters[tensor];
        var quantizedName = _names.Make(tensor + "_quantized");
        _quantizedNames[tensor] = quantizedName;
        var node = new NodeProto { OpType = "QuantizeLinear", Name = _names.Make(tensor + "_QuantizeLinear") };
        node.Input.Add([floatName, p.ScaleName, p.ZeroPointName]);
        node.Output.Add(quantizedName);
        _nodes.Add(node);
    }

    /// <summary>One DequantizeLinear per reader, so that no reader's fusion is blocked by another's.</summary>
    private string EmitDequantize(string tensor)
    {
        var output = _names.Make(tensor + "_dequantized");
        _nodes.Add(DequantizeNode(tensor, output));
        return output;
    }

    private NodeProto DequantizeNode(string tensor, string output)
    {
        var p = _parameters[tensor];
        var node = new NodeProto { OpType = "DequantizeLinear", Name = _names.Make(tensor + "_DequantizeLinear") };
        node.Input.Add([_quantizedNames[tensor], p.ScaleName, p.ZeroPointName]);
        node.Output.Add(output);
        return node;
    }

    private void QuantizeConvParameters(NodeProto original, NodeProto copy)
    {
        var weightName = original.Input[1];
        if (!_weights.TryGetValue(weightName, out var weight))
        {
            weight = QuantizeWeight(weightName);
            _weights[weightName] = weight;
        }

        var inputScale = _parameters[original.Input[0]].Scale;
        var scales = weight.Scales;
        float[]? bias = null;
        if (original.Input.Count > 2 && original.Input[2].Length > 0)
        {
            var biasName = original.Input[2];
            bias = TensorProtos.ToFloats(_analysis.Index.Initializer(biasName)!);
            MarkReplaced(biasName);
            scales = WidenForBias(scales, bias, inputScale);
        }

        // A widened scale (rare: a large bias over tiny weights) needs this Conv's own copy of the weight.
        var weightInputs = ReferenceEquals(scales, weight.Scales) ? weight : AddWeightInitializers(weightName, scales);
        var dq = new NodeProto { OpType = "DequantizeLinear", Name = _names.Make(weightName + "_DequantizeLinear") };
        dq.Input.Add([weightInputs.QuantizedName, weightInputs.ScaleName, weightInputs.ZeroPointName]);
        dq.Output.Add(_names.Make(weightName + "_dequantized"));
        AddAxis(dq);
        _nodes.Add(dq);
        copy.Input[1] = dq.Output[0];

        if (bias is null)
        {
            return;
        }

        // Bias in int32 with scale x_scale·w_scale[c] and zero point 0: the accumulator's own scale, so
        // QLinearConv adds it without rescaling (ONNX QLinearConv, input B).
        var channels = bias.Length;
        var biasScales = new float[scales.Length];
        var q = new int[channels];
        for (var c = 0; c < channels; c++)
        {
            var s = (double)inputScale * scales[_options.PerChannel ? c : 0];
            q[c] = QuantMath.QuantizeBias(bias[c], s);
        }

        for (var i = 0; i < scales.Length; i++)
        {
            biasScales[i] = inputScale * scales[i];
        }

        var name = original.Input[2];
        long[] dims = _options.PerChannel ? [channels] : [];
        var qName = AddInitializer(TensorProtos.FromInt32s(_names.Make(name + "_quantized"), [channels], q));
        var sName = AddInitializer(TensorProtos.FromFloats(_names.Make(name + "_scale"), dims, biasScales));
        var zName = AddInitializer(TensorProtos.FromInt32s(_names.Make(name + "_zero_point"), dims, new int[biasScales.Length]));
        var bdq = new NodeProto { OpType = "DequantizeLinear", Name = _names.Make(name + "_DequantizeLinear") };
        bdq.Input.Add([qName, sName, zName]);
        bdq.Output.Add(_names.Make(name + "_dequantized"));
        AddAxis(bdq);
        _nodes.Add(bdq);
        copy.Input[2] = bdq.Output[0];
    }

    /// <summary>
    /// The int32 bias must hold b / (x_scale·w_scale); when it would overflow, the weight scale of that
    /// channel grows until it fits (coarser weights beat a saturated bias).
    /// </summary>
    private float[] WidenForBias(float[] scales, float[] bias, float inputScale)
    {
        float[]? widened = null;
        for (var c = 0; c < bias.Length; c++)
        {
            var i = _options.PerChannel ? c : 0;
            var current = widened ?? scales;
            // Half the int32 range: the accumulator adds Σ x·w to the bias and must not overflow either.
            var needed = Math.Abs(bias[c]) / ((double)inputScale * (int.MaxValue / 2.0));
            if (needed > current[i])
            {
                widened ??= (float[])scales.Clone();
                widened[i] = (float)needed;
            }
        }

        return widened ?? scales;
    }

    private QuantizedWeight QuantizeWeight(string weightName)
    {
        var tensor = _analysis.Index.Initializer(weightName)!;
        var values = TensorProtos.ToFloats(tensor);
        MarkReplaced(weightName);
        var channels = (int)tensor.Dims[0];
        var perChannel = values.Length / channels;
        var weightMax = WeightMaxFor(values.Length);
        var grouped = weightMax == QuantMath.Int4WeightMax && _options.Int4GroupSize > 0;
        var search = weightMax == QuantMath.Int4WeightMax && !grouped && _options.Int4Rounding == WeightRounding.MseScale;
        var scales = new float[_options.PerChannel ? channels : 1];
        for (var c = 0; c < channels; c++)
        {
            var channel = values.AsSpan(c * perChannel, perChannel);
            var absMax = 0f;
            foreach (var v in channel)
            {
                absMax = Math.Max(absMax, Math.Abs(v));
            }

            var i = _options.PerChannel ? c : 0;
            scales[i] = !_options.PerChannel ? Math.Max(scales[0], absMax)
                : grouped ? Int4Groups.ChannelScale(absMax)
                : search ? WeightScaleSearch.Find(channel, weightMax)
                : QuantMath.WeightScale(absMax, weightMax);
        }

        if (!_options.PerChannel)
        {
            scales[0] = grouped ? Int4Groups.ChannelScale(scales[0])
                : search ? WeightScaleSearch.Find(values, weightMax)
                : QuantMath.WeightScale(scales[0], weightMax);
        }

        return AddWeightInitializers(weightName, scales);
    }

    private QuantizedWeight AddWeightInitializers(string weightName, float[] scales)
    {
        var tensor = _analysis.Index.Initializer(weightName)!;
        var values = TensorProtos.ToFloats(tensor);
        var channels = (int)tensor.Dims[0];
        var perChannel = values.Length / channels;
        var weightMax = WeightMaxFor(values.Length);
        var q = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var scale = scales[_options.PerChannel ? c : 0];
            if (weightMax == QuantMath.Int4WeightMax && _options.Int4GroupSize > 0)
            {
                Int4Groups.Quantize(values.AsSpan(c * perChannel, perChannel), scale, _options.Int4GroupSize, _options.Int4Rounding, q.AsSpan(c * perChannel, perChannel));
                continue;
            }

            for (var k = c * perChannel; k < (c + 1) * perChannel; k++)
            {
                q[k] = QuantMath.QuantizeWeight(values[k], scale, weightMax);
            }
        }

        long[] dims = _options.PerChannel ? [channels] : [];
        var qName = AddInitializer(TensorProtos.FromInt8s(_names.Make(weightName + "_quantized"), [.. tensor.Dims], q));
        if (weightMax == QuantMath.Int4WeightMax)
        {
            _int4Weights.Add(qName);
        }

        var sName = AddInitializer(TensorProtos.FromFloats(_names.Make(weightName + "_scale"), dims, scales));
        var zName = AddInitializer(TensorProtos.FromInt8s(_names.Make(weightName + "_zero_point"), dims, new sbyte[scales.Length]));
        return new QuantizedWeight(qName, sName, zName, scales);
    }

    // The largest Conv weights may get 4 bits (QuantizationOptions.Int4MinWeightCount); the others 8 (or 7).
    private int WeightMaxFor(long count) =>
        _options.Int4MinWeightCount > 0 && count >= _options.Int4MinWeightCount ? QuantMath.Int4WeightMax
        : _options.ReduceWeightRange ? QuantMath.ReducedWeightMax
        : QuantMath.WeightMax;

    private void AddAxis(NodeProto dequantize)
    {
        if (_options.PerChannel)
        {
            // Output channels are axis 0 of a Conv weight [M, C/group, kH, kW] (ONNX DequantizeLinear-13 axis).
            dequantize.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        }
    }

    private void MarkReplaced(string initializer)
    {
        if (_replacedInitializers.Add(initializer))
        {
            _floatParameterBytes += TensorProtos.ElementCount(_analysis.Index.Initializer(initializer)!) * sizeof(float);
        }
    }

    private string AddInitializer(TensorProto tensor)
    {
        _newInitializers.Add(tensor);
        return tensor.Name;
    }

    private Dictionary<string, int> Finish()
    {
        _graph.Node.Clear();
        _graph.Node.Add(_nodes);

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in _nodes)
        {
            used.UnionWith(GraphIndex.InputsOf(node));
        }

        used.UnionWith(_graph.Output.Select(o => o.Name));
        // The float weights and biases go: the int8 file must not carry them twice (size target ≤ 12.5 MB).
        var keep = _graph.Initializer.Where(i => !_replacedInitializers.Contains(i.Name) || used.Contains(i.Name)).ToList();
        _graph.Initializer.Clear();
        _graph.Initializer.Add(keep);
        _graph.Initializer.Add(_newInitializers);

        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in _nodes)
        {
            defined.UnionWith(node.Output);
        }

        var valueInfo = _graph.ValueInfo.Where(v => defined.Contains(v.Name)).ToList();
        _graph.ValueInfo.Clear();
        _graph.ValueInfo.Add(valueInfo);

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in _analysis.Index.Graph.Node)
        {
            if (_analysis.IsQuantized(node))
            {
                counts[node.OpType] = counts.GetValueOrDefault(node.OpType) + 1;
            }
        }

        return new Dictionary<string, int>(counts, StringComparer.Ordinal);
    }

    private sealed record ActivationParameters(string ScaleName, string ZeroPointName, float Scale);

    private sealed record QuantizedWeight(string QuantizedName, string ScaleName, string ZeroPointName, float[] Scales);
}
