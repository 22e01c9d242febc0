using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Building;

/// <summary>Makes node attributes (ONNX IR <c>AttributeProto</c>) with their type set, as the checker requires.</summary>
public static class Attributes
{
    /// <summary>An INT attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    public static AttributeProto Of(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A FLOAT attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    public static AttributeProto Of(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A STRING attribute (UTF-8).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    public static AttributeProto Of(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>An INTS attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">The values.</param>
    public static AttributeProto Of(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>A TENSOR attribute (the <c>value</c> of a Constant node, for instance).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The tensor.</param>
    public static AttributeProto Of(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
