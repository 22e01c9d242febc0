using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>Rewrites one node so that it means the same at the opset version of its rule.</summary>
internal delegate void OpChange(UpgradeContext context, NodeProto node);

/// <summary>A version at which an operator's schema changed; a null change means the new version reads old nodes the same way.</summary>
internal readonly record struct OpVersion(int Version, OpChange? Change);

/// <summary>
/// The history, up to opset 17, of the default-domain operators that vision backbones use, taken from
/// the ONNX operator changelog (docs/Changelog.md). An operator missing from this table is refused:
/// without its history the upgrader cannot know whether its meaning changed.
/// </summary>
internal static class OpsetChanges
{
    private static readonly Dictionary<string, OpVersion[]> Table = Build();

    public static IReadOnlyList<OpVersion>? For(string opType) => Table.GetValueOrDefault(opType);

    private static Dictionary<string, OpVersion[]> Build()
    {
        var table = new Dictionary<string, OpVersion[]>(StringComparer.Ordinal);
        void Add(OpVersion[] history, params string[] ops)
        {
            foreach (var op in ops)
            {
                table[op] = history;
            }
        }

        // Versions after 6 that only widened type lists or added attributes whose default keeps the old meaning.
        Add([new(6, DropConsumedInputs), Same(13), Same(14)], "Relu");
        Add([new(6, DropConsumedInputs), Same(13)], "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Floor", "Ceil", "Reciprocal");
        Add([new(6, DropConsumedInputs)], "HardSigmoid", "Elu", "Selu", "InstanceNormalization");
        Add([new(6, DropConsumedInputs), Same(16)], "LeakyRelu");
        Add([Same(1)], "Softplus", "Softsign", "GlobalAveragePool", "GlobalMaxPool", "Not", "GlobalLpPool");
        Add([Same(14)], "HardSwish");
        Add([Same(9), Same(13)], "Erf", "Sign", "NonZero");
        Add([Same(10), Same(13)], "Mod");
        Add([Same(11)], "Range", "Conv", "ConvTranspose");
        Add([Same(9)], "ConstantOfShape");

        // Opset 7 replaced the 'broadcast'/'axis' attributes with numpy-style broadcasting.
        Add([new(6, DropConsumedInputs), new(7, LegacyBroadcast), Same(13), Same(14)], "Add", "Sub", "Mul", "Div");
        Add([new(7, LegacyBroadcast), Same(12), Same(13), Same(15)], "Pow");
        Add([new(7, LegacyBroadcast), Same(9), Same(11), Same(13)], "Equal", "Greater", "Less");
        Add([new(7, LegacyBroadcast)], "And", "Or", "Xor");
        Add([new(6, DropConsumedInputs), Same(8), Same(12), Same(13)], "Sum", "Max", "Min", "Mean");
        Add([new(7, LegacyBroadcast), Same(9), Same(11), Same(13)], "Gemm");
        Add([Same(9), Same(13)], "MatMul");
        Add([new(6, DropConsumedInputs), new(7, PReluSlope), Same(9), Same(16)], "PRelu");

        Add([new(6, DropConsumedInputs), new(7, DropIsTest), new(9, DropSpatial), new(14, InferenceOutputsOnly), Same(15)], "BatchNormalization");
        Add([new(6, DropoutToIdentity), new(7, DropoutToIdentity), new(10, DropoutToIdentity), new(12, DropoutToIdentity), new(13, DropoutToIdentity)], "Dropout");
        Add([Same(13), Same(14), Same(16)], "Identity");
        Add([Same(13)], "Transpose", "LRN", "SpaceToDepth", "Size");
        Add([Same(11), Same(13)], "DepthToSpace", "GatherElements");

        // Pooling: 8 added storage_order and the Indices output, 10 ceil_mode (and dilations), 11/12 types; defaults keep the old meaning.
        Add([Same(8), Same(10), Same(11), Same(12)], "MaxPool");
        Add([Same(7), Same(10), Same(11)], "AveragePool");
        Add([Same(9), Same(11), Same(13)], "Flatten");
        Add([new(5, ShapeAttributeToInput), Same(13), Same(14)], "Reshape");
        Add([new(4, ConcatDefaultAxis), Same(11), Same(13)], "Concat");
        Add([new(2, SplitInputToAttribute), Same(11), new(13, AttributeToInput("split", optional: true))], "Split");
        Add([Same(11), new(13, AttributeToInput("axes", optional: true))], "Squeeze");
        Add([Same(11), new(13, AttributeToInput("axes", optional: false))], "Unsqueeze");
        Add([Same(11), new(13, AttributeToInput("axes", optional: true))], "ReduceSum");
        // The other reductions move 'axes' to an input only at opset 18, beyond our target.
        Add([Same(11), Same(12), Same(13)], "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin");
        Add([Same(11), new(13, SoftmaxSingleAxis)], "Softmax", "LogSoftmax", "Hardmax");
        Add([new(2, RenamePaddings), new(11, PadsToInputs), Same(13)], "Pad");
        Add([new(6, DropConsumedInputs), new(11, ClipBoundsToInputs), Same(12), Same(13)], "Clip");
        Add([new(10, SliceAttributesToInputs), Same(11), Same(13)], "Slice");
        Add([new(10, TopKToInput), Same(11)], "TopK");
        Add([Same(9), Same(11), Same(12), Same(13)], "Constant");
        Add([Same(13), Same(15)], "Shape");
        Add([Same(11), Same(13)], "Gather");
        Add([Same(8), Same(13)], "Expand");
        Add([Same(9), Same(16)], "Where");
        Add([new(6, Refuse("'to' changed from a type name to a type number; re-export the model at opset 6 or later")), Same(9), Same(13)], "Cast");
        Add([new(6, Refuse("'tiles'/'axis' became a 'repeats' input whose values depend on the input rank; re-export the model at opset 6 or later")), Same(13)], "Tile");
        Add([new(9, Refuse("Upsample's 'scales' became an input and the operator was deprecated at opset 10; re-export the model with Resize")), new(10, Refuse("Upsample was deprecated at opset 10; re-export the model with Resize"))], "Upsample");
        Add([new(11, Refuse("Resize-11 changed how coordinates are mapped (coordinate_transformation_mode); re-export the model at opset 11 or later")), Same(13)], "Resize");
        return table;
    }

    private static OpVersion Same(int version) => new(version, null);

    private static OpChange Refuse(string reason) => (context, node) => throw context.Refuse(node, reason);

    private static void DropConsumedInputs(UpgradeContext context, NodeProto node)
    {
        if (NodeAttributes.Remove(node, "consumed_inputs"))
        {
            context.Note(node, "removed attribute 'consumed_inputs'");
        }
    }

    private static void LegacyBroadcast(UpgradeContext context, NodeProto node)
    {
        var broadcast = NodeAttributes.GetInt(node, "broadcast", 0);
        if (broadcast != 0 && NodeAttributes.Has(node, "axis"))
        {
            // Old broadcasting aligned B at 'axis'; numpy broadcasting aligns it at the end. Only the
            // shapes could tell whether both agree, and old models rarely declare them.
            throw context.Refuse(node, $"it broadcasts with 'axis'={NodeAttributes.GetInt(node, "axis", 0)}, which numpy-style broadcasting (opset 7) aligns differently; re-export the model at opset 7 or later.");
        }

        // Without 'axis' the old rule aligned B with the trailing dimensions of A, as numpy does.
        var removed = NodeAttributes.Remove(node, "broadcast") | NodeAttributes.Remove(node, "axis");
        if (removed)
        {
            context.Note(node, "removed attribute 'broadcast' (numpy-style broadcasting)");
        }
    }

    private static void PReluSlope(UpgradeContext context, NodeProto node)
    {
        // PRelu-6 applied a [C] slope per channel; PRelu-7 broadcasts it against the last dimension.
        if (node.Input.Count > 1 && context.Index.ConstantValue(node.Input[1]) is { } slope && slope.Dims.Aggregate(1L, (a, d) => a * d) == 1)
        {
            return;
        }

        throw context.Refuse(node, "its slope is not a single value, and PRelu-7 broadcasts the slope against the last dimension instead of the channels; re-export the model at opset 7 or later.");
    }

    private static void DropIsTest(UpgradeContext context, NodeProto node)
    {
        // The backbone runs in inference; opset 7 removed the flag and always uses the running statistics here.
        if (NodeAttributes.Remove(node, "is_test"))
        {
            context.Note(node, "removed attribute 'is_test'");
        }
    }

    private static void DropSpatial(UpgradeContext context, NodeProto node)
    {
        if (NodeAttributes.GetInt(node, "spatial", 1) != 1)
        {
            throw context.Refuse(node, "it has 'spatial'=0 (statistics per activation, not per channel), which BatchNormalization-9 and later cannot express.");
        }

        if (NodeAttributes.Remove(node, "spatial"))
        {
            context.Note(node, "removed attribute 'spatial'");
        }
    }

    private static void InferenceOutputsOnly(UpgradeContext context, NodeProto node)
    {
        // Before opset 14 a BatchNormalization could also return its statistics (training outputs);
        // from 14 on, those exist only with training_mode=1. An inference backbone must not use them.
        if (node.Output.Count <= 1)
        {
            return;
        }

        var used = node.Output.Skip(1).Where(o => o.Length > 0 && context.Index.IsUsed(o)).ToList();
        if (used.Count > 0)
        {
            throw context.Refuse(node, $"its training output '{used[0]}' is used, and BatchNormalization-14 returns statistics only in training mode; cut the graph before it.");
        }

        while (node.Output.Count > 1)
        {
            node.Output.RemoveAt(node.Output.Count - 1);
        }

        context.Note(node, "removed unused training outputs");
    }

    private static void DropoutToIdentity(UpgradeContext context, NodeProto node)
    {
        // A frozen backbone runs in inference, where Dropout is the identity at every opset; replacing it
        // avoids tracking Dropout's changing ratio/mask/training_mode signature across versions.
        if (node.Output.Count > 1 && node.Output[1].Length > 0 && context.Index.IsUsed(node.Output[1]))
        {
            throw context.Refuse(node, $"its mask output '{node.Output[1]}' is used.");
        }

        var input = node.Input[0];
        var output = node.Output[0];
        node.OpType = "Identity";
        node.Attribute.Clear();
        node.Input.Clear();
        node.Input.Add(input);
        node.Output.Clear();
        node.Output.Add(output);
        context.Note(node, "Dropout replaced by Identity (inference)");
    }

    private static void ShapeAttributeToInput(UpgradeContext context, NodeProto node)
    {
        if (NodeAttributes.GetInts(node, "shape") is not { } shape)
        {
            return;
        }

        NodeAttributes.Remove(node, "shape");
        node.Input.Add(context.AddInt64s(OutputName(node) + "_shape", shape));
        context.Note(node, "attribute 'shape' moved to an input");
    }

    private static void ConcatDefaultAxis(UpgradeContext context, NodeProto node)
    {
        // Concat-1 defaulted to axis 1; from opset 4 the axis is required.
        if (!NodeAttributes.Has(node, "axis"))
        {
            NodeAttributes.SetInt(node, "axis", 1);
            context.Note(node, "made the default axis 1 explicit");
        }
    }

    private static void SplitInputToAttribute(UpgradeContext context, NodeProto node)
    {
        if (node.Input.Count < 2 || node.Input[1].Length == 0)
        {
            return;
        }

        if (context.Index.ConstantValue(node.Input[1]) is not { } split)
        {
            throw context.Refuse(node, "its split sizes are a computed input, which Split-2 cannot take.");
        }

        NodeAttributes.SetInts(node, "split", Tensors.TensorProtos.ToInt64s(split));
        node.Input.RemoveAt(1);
        context.Note(node, "split sizes moved from an input to the attribute");
    }

    private static OpChange AttributeToInput(string attribute, bool optional) => (context, node) =>
    {
        if (NodeAttributes.GetInts(node, attribute) is not { } values)
        {
            if (!optional)
            {
                throw context.Refuse(node, $"it has no '{attribute}' attribute, which the operator requires.");
            }

            return;
        }

        NodeAttributes.Remove(node, attribute);
        node.Input.Add(context.AddInt64s(OutputName(node) + "_" + attribute, values));
        context.Note(node, $"attribute '{attribute}' moved to an input");
    };

    private static void SoftmaxSingleAxis(UpgradeContext context, NodeProto node)
    {
        // Before opset 13, Softmax flattened the input to 2-D at 'axis' (default 1) and normalised over
        // all trailing dimensions together; from 13 on it normalises along 'axis' only (default -1).
        var axis = NodeAttributes.GetInt(node, "axis", 1);
        var rank = context.RankOf(node.Input[0]);
        if (rank is { } r && (axis < 0 ? axis + r : axis) == r - 1)
        {
            NodeAttributes.SetInt(node, "axis", -1);
            context.Note(node, "axis is the last dimension; same meaning");
            return;
        }

        // Unknown rank or an inner axis: keep the old meaning with Flatten → Softmax(axis=1) → Reshape.
        var input = node.Input[0];
        var output = node.Output[0];
        var baseName = node.Name.Length > 0 ? node.Name : output;
        var flat = context.Names.Make(output + "_2d_in");
        var normalised = context.Names.Make(output + "_2d_out");
        var shape = context.Names.Make(output + "_in_shape");

        var flatten = new NodeProto { Name = context.Names.Make(baseName + "_flatten"), OpType = "Flatten", Input = { input }, Output = { flat } };
        NodeAttributes.SetInt(flatten, "axis", axis);
        context.InsertBefore(flatten);
        context.InsertBefore(new NodeProto { Name = context.Names.Make(baseName + "_shape"), OpType = "Shape", Input = { input }, Output = { shape } });

        node.Input[0] = flat;
        node.Output[0] = normalised;
        NodeAttributes.SetInt(node, "axis", 1);
        context.InsertAfter(new NodeProto { Name = context.Names.Make(baseName + "_reshape"), OpType = "Reshape", Input = { normalised, shape }, Output = { output } });
        context.Note(node, "wrapped in Flatten/Reshape to keep the pre-13 meaning");
    }

    private static void RenamePaddings(UpgradeContext context, NodeProto node)
    {
        if (NodeAttributes.GetInts(node, "paddings") is { } paddings)
        {
            NodeAttributes.Remove(node, "paddings");
            NodeAttributes.SetInts(node, "pads", paddings);
            context.Note(node, "attribute 'paddings' renamed 'pads'");
        }
    }

    private static void PadsToInputs(UpgradeContext context, NodeProto node)
    {
        var pads = NodeAttributes.GetInts(node, "pads")
            ?? throw context.Refuse(node, "it has no 'pads' attribute, which Pad-2 requires.");
        var mode = NodeAttributes.GetString(node, "mode", "constant");
        var value = NodeAttributes.GetFloat(node, "value", 0f);
        NodeAttributes.Remove(node, "pads");
        NodeAttributes.Remove(node, "value");
        node.Input.Add(context.AddInt64s(OutputName(node) + "_pads", pads));
        if (mode == "constant" && value != 0f)
        {
            RequireFloat(context, node, "constant_value");
            node.Input.Add(context.AddFloatScalar(OutputName(node) + "_value", value));
        }

        context.Note(node, "attributes 'pads'/'value' moved to inputs");
    }

    private static void ClipBoundsToInputs(UpgradeContext context, NodeProto node)
    {
        var hasMin = NodeAttributes.Find(node, "min") is not null;
        var hasMax = NodeAttributes.Find(node, "max") is not null;
        if (!hasMin && !hasMax)
        {
            return;
        }

        RequireFloat(context, node, "min/max");
        var min = NodeAttributes.GetFloat(node, "min", float.MinValue);
        var max = NodeAttributes.GetFloat(node, "max", float.MaxValue);
        NodeAttributes.Remove(node, "min");
        NodeAttributes.Remove(node, "max");
        node.Input.Add(hasMin ? context.AddFloatScalar(OutputName(node) + "_min", min) : string.Empty);
        if (hasMax)
        {
            node.Input.Add(context.AddFloatScalar(OutputName(node) + "_max", max));
        }

        context.Note(node, "attributes 'min'/'max' moved to inputs");
    }

    private static void SliceAttributesToInputs(UpgradeContext context, NodeProto node)
    {
        var starts = NodeAttributes.GetInts(node, "starts") ?? throw context.Refuse(node, "it has no 'starts' attribute.");
        var ends = NodeAttributes.GetInts(node, "ends") ?? throw context.Refuse(node, "it has no 'ends' attribute.");
        var axes = NodeAttributes.GetInts(node, "axes");
        foreach (var name in (string[])["starts", "ends", "axes"])
        {
            NodeAttributes.Remove(node, name);
        }

        node.Input.Add(context.AddInt64s(OutputName(node) + "_starts", starts));
        node.Input.Add(context.AddInt64s(OutputName(node) + "_ends", ends));
        if (axes is not null)
        {
            node.Input.Add(context.AddInt64s(OutputName(node) + "_axes", axes));
        }

        context.Note(node, "attributes 'starts'/'ends'/'axes' moved to inputs");
    }

    private static void TopKToInput(UpgradeContext context, NodeProto node)
    {
        var k = NodeAttributes.Find(node, "k") ?? throw context.Refuse(node, "it has no 'k' attribute.");
        NodeAttributes.Remove(node, "k");
        node.Input.Add(context.AddInt64s(OutputName(node) + "_k", [k.I]));
        context.Note(node, "attribute 'k' moved to an input");
    }

    private static void RequireFloat(UpgradeContext context, NodeProto node, string what)
    {
        // The new scalar inputs must have the data's element type; we write float32 constants.
        if (context.ElementTypeOf(node.Input[0]) is { } type && type != (int)TensorProto.Types.DataType.Float)
        {
            throw context.Refuse(node, $"its {what} would become inputs of type {(TensorProto.Types.DataType)type}, and only float models are supported.");
        }
    }

    private static string OutputName(NodeProto node) => node.Output.Count > 0 && node.Output[0].Length > 0 ? node.Output[0] : node.Name;
}
