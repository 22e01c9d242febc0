using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Model;

/// <summary>Reads, writes and removes attributes of a <see cref="NodeProto"/>.</summary>
internal static class NodeAttributes
{
    public static AttributeProto? Find(NodeProto node, string name)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool Has(NodeProto node, string name) => Find(node, name) is not null;

    public static long GetInt(NodeProto node, string name, long fallback) =>
        Find(node, name) is { } a ? a.I : fallback;

    public static float GetFloat(NodeProto node, string name, float fallback) =>
        Find(node, name) is { } a ? a.F : fallback;

    public static string GetString(NodeProto node, string name, string fallback) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    public static long[]? GetInts(NodeProto node, string name) =>
        Find(node, name) is { } a ? [.. a.Ints] : null;

    public static float[]? GetFloats(NodeProto node, string name) =>
        Find(node, name) is { } a ? [.. a.Floats] : null;

    /// <summary>Removes the attribute; returns whether it was there.</summary>
    public static bool Remove(NodeProto node, string name)
    {
        for (var i = 0; i < node.Attribute.Count; i++)
        {
            if (node.Attribute[i].Name == name)
            {
                node.Attribute.RemoveAt(i);
                return true;
            }
        }

        return false;
    }

    public static void SetInt(NodeProto node, string name, long value)
    {
        Remove(node, name);
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
    }

    public static void SetInts(NodeProto node, string name, IEnumerable<long> values)
    {
        Remove(node, name);
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        node.Attribute.Add(attribute);
    }

    public static void SetString(NodeProto node, string name, string value)
    {
        Remove(node, name);
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
    }
}
