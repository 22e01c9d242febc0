using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Model;

/// <summary>Small facts about a model that several passes need.</summary>
internal static class ModelFacts
{
    /// <summary>The default ONNX domain is written as "" or, by some exporters, "ai.onnx".</summary>
    public static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    /// <summary>The version of the default-domain opset the model imports, or null.</summary>
    public static long? DefaultOpset(ModelProto model)
    {
        foreach (var opset in model.OpsetImport)
        {
            if (IsDefaultDomain(opset.Domain))
            {
                return opset.Version;
            }
        }

        return null;
    }

    /// <summary>A readable name for a node in messages: its name, else its op and first output.</summary>
    public static string Describe(NodeProto node) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType} -> {(node.Output.Count > 0 ? node.Output[0] : "?")}";

    /// <summary>The declared shape of a value (null when not declared); unknown dimensions are -1.</summary>
    public static long[]? Shape(ValueInfoProto? value)
    {
        if (value?.Type?.TensorType?.Shape is not { } shape)
        {
            return null;
        }

        return [.. shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1)];
    }

    /// <summary>Finds the declared value info of a tensor among graph inputs, outputs and value_info.</summary>
    public static ValueInfoProto? FindValueInfo(GraphProto graph, string tensor) =>
        graph.Input.FirstOrDefault(v => v.Name == tensor)
        ?? graph.Output.FirstOrDefault(v => v.Name == tensor)
        ?? graph.ValueInfo.FirstOrDefault(v => v.Name == tensor);

    /// <summary>Formats a shape for messages: [1,3,224,224], unknown dimensions as ?.</summary>
    public static string Format(IEnumerable<long> shape) =>
        "[" + string.Join(",", shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <summary>Formats a declared shape for messages: [N,3,224,224], unknown dimensions as ?.</summary>
    public static string Format(TensorShapeProto shape) =>
        "[" + string.Join(",", shape.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        })) + "]";
}
