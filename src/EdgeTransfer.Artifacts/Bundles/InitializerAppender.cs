namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// Adds int8 initializers to a serialized ONNX <c>ModelProto</c> without parsing it: protocol buffers merge a singular
/// message field that occurs twice, and concatenate repeated fields, so appending
/// <c>graph { initializer { … } … }</c> to the model's bytes yields the model with those initializers added
/// (protobuf encoding guide, "Last One Wins" and merging of embedded messages). Field numbers from onnx.proto.
/// </summary>
internal static class InitializerAppender
{
    private const int ModelGraph = 7;          // ModelProto.graph
    private const int GraphInitializer = 5;    // GraphProto.initializer
    private const int TensorDims = 1;          // TensorProto.dims
    private const int TensorDataType = 2;      // TensorProto.data_type
    private const int TensorName = 8;          // TensorProto.name
    private const int TensorRawData = 9;       // TensorProto.raw_data
    private const int Int8DataType = 3;        // TensorProto.DataType.INT8
    private const int VarintWire = 0;
    private const int LengthWire = 2;

    public static byte[] Append(ReadOnlySpan<byte> model, IReadOnlyList<Int4Tensor> tensors)
    {
        var graph = new MemoryStream();
        foreach (var tensor in tensors)
        {
            WriteLengthDelimited(graph, GraphInitializer, Tensor(tensor));
        }

        using var output = new MemoryStream(model.Length + (int)graph.Length + 16);
        output.Write(model);
        WriteLengthDelimited(output, ModelGraph, graph.ToArray());
        return output.ToArray();
    }

    private static byte[] Tensor(Int4Tensor tensor)
    {
        using var stream = new MemoryStream(tensor.Values.Length + 256);
        foreach (var d in tensor.Dims)
        {
            WriteVarint(stream, Tag(TensorDims, VarintWire));
            WriteVarint(stream, (ulong)d);
        }

        WriteVarint(stream, Tag(TensorDataType, VarintWire));
        WriteVarint(stream, Int8DataType);
        WriteLengthDelimited(stream, TensorName, System.Text.Encoding.UTF8.GetBytes(tensor.Name));
        WriteLengthDelimited(stream, TensorRawData, System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        return stream.ToArray();
    }

    private static ulong Tag(int field, int wireType) => ((ulong)field << 3) | (uint)wireType;

    private static void WriteLengthDelimited(Stream stream, int field, ReadOnlySpan<byte> content)
    {
        WriteVarint(stream, Tag(field, LengthWire));
        WriteVarint(stream, (ulong)content.Length);
        stream.Write(content);
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }
}
