using System.Runtime.InteropServices;
using System.Text;

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
        // Sizes first, so that the whole model is written once into an array of its exact length (the weights are 12 MB).
        var tensorSizes = tensors.Select(TensorSize).ToArray();
        var graphSize = tensorSizes.Sum(s => FieldSize(GraphInitializer, s));
        var output = new byte[model.Length + FieldSize(ModelGraph, graphSize)];
        model.CopyTo(output);
        var at = model.Length;
        WriteHeader(output, ref at, ModelGraph, graphSize);
        for (var t = 0; t < tensors.Count; t++)
        {
            var tensor = tensors[t];
            WriteHeader(output, ref at, GraphInitializer, tensorSizes[t]);
            foreach (var d in tensor.Dims)
            {
                WriteVarint(output, ref at, Tag(TensorDims, VarintWire));
                WriteVarint(output, ref at, (ulong)d);
            }

            WriteVarint(output, ref at, Tag(TensorDataType, VarintWire));
            WriteVarint(output, ref at, Int8DataType);
            var name = Encoding.UTF8.GetBytes(tensor.Name);
            WriteHeader(output, ref at, TensorName, name.Length);
            name.CopyTo(output, at);
            at += name.Length;
            WriteHeader(output, ref at, TensorRawData, tensor.Values.Length);
            MemoryMarshal.AsBytes(tensor.Values.AsSpan()).CopyTo(output.AsSpan(at));
            at += tensor.Values.Length;
        }

        return output;
    }

    private static long TensorSize(Int4Tensor tensor) =>
        tensor.Dims.Sum(d => 1 + VarintSize((ulong)d))
        + 1 + VarintSize(Int8DataType)
        + FieldSize(TensorName, Encoding.UTF8.GetByteCount(tensor.Name))
        + FieldSize(TensorRawData, tensor.Values.Length);

    // A length-delimited field: its tag (one byte for field numbers below 16), the length as a varint, the content.
    private static int FieldSize(int field, long contentLength) =>
        checked(VarintSize(Tag(field, LengthWire)) + VarintSize((ulong)contentLength) + (int)contentLength);

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static ulong Tag(int field, int wireType) => ((ulong)field << 3) | (uint)wireType;

    private static void WriteHeader(byte[] output, ref int at, int field, long contentLength)
    {
        WriteVarint(output, ref at, Tag(field, LengthWire));
        WriteVarint(output, ref at, (ulong)contentLength);
    }

    private static void WriteVarint(byte[] output, ref int at, ulong value)
    {
        while (value >= 0x80)
        {
            output[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[at++] = (byte)value;
    }
}
