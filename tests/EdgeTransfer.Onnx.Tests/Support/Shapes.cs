using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Tests.Support;

/// <summary>Formats declared shapes for assertions: [N,3,224,224].</summary>
internal static class Shapes
{
    public static string Format(ValueInfoProto value) =>
        "[" + string.Join(",", value.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
