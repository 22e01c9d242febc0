using System.Runtime.InteropServices;
using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Tensors;

/// <summary>
/// Creates and reads <see cref="TensorProto"/> values. Data is always written as little-endian
/// <c>raw_data</c> (the compact form ONNX Runtime maps without copying); reading accepts both
/// <c>raw_data</c> and the typed repeated fields that older exporters (CNTK, this ResNet18) use.
/// </summary>
public static class TensorProtos
{
    /// <summary>Makes a float tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape; an empty shape makes a scalar.</param>
    /// <param name="values">The values in row-major order; their count must match the shape.</param>
    public static TensorProto FromFloats(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values) =>
        Make(name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values), values.Length);

    /// <summary>Makes an int64 tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape; an empty shape makes a scalar.</param>
    /// <param name="values">The values in row-major order.</param>
    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values) =>
        Make(name, TensorProto.Types.DataType.Int64, dims, MemoryMarshal.AsBytes(values), values.Length);

    /// <summary>Makes an int32 tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape.</param>
    /// <param name="values">The values in row-major order.</param>
    public static TensorProto FromInt32s(string name, ReadOnlySpan<long> dims, ReadOnlySpan<int> values) =>
        Make(name, TensorProto.Types.DataType.Int32, dims, MemoryMarshal.AsBytes(values), values.Length);

    /// <summary>Makes an int8 tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape.</param>
    /// <param name="values">The values in row-major order.</param>
    public static TensorProto FromInt8s(string name, ReadOnlySpan<long> dims, ReadOnlySpan<sbyte> values) =>
        Make(name, TensorProto.Types.DataType.Int8, dims, MemoryMarshal.AsBytes(values), values.Length);

    /// <summary>Makes a uint8 tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape.</param>
    /// <param name="values">The values in row-major order.</param>
    public static TensorProto FromUInt8s(string name, ReadOnlySpan<long> dims, ReadOnlySpan<byte> values) =>
        Make(name, TensorProto.Types.DataType.Uint8, dims, values, values.Length);

    /// <summary>Makes a float scalar (shape []).</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="value">The value.</param>
    public static TensorProto FloatScalar(string name, float value) => FromFloats(name, [], [value]);

    /// <summary>Makes an int64 vector (shape [n]), the form of ONNX shape and axes inputs.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="values">The values.</param>
    public static TensorProto Int64Vector(string name, params long[] values) => FromInt64s(name, [values.Length], values);

    /// <summary>The number of elements that <paramref name="tensor"/>'s shape holds.</summary>
    /// <param name="tensor">The tensor.</param>
    public static long ElementCount(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>Reads a float tensor's values, from <c>raw_data</c> or <c>float_data</c>.</summary>
    /// <param name="tensor">A tensor of type FLOAT with its data inside the model (not external).</param>
    /// <exception cref="GraphException">The tensor is not float, keeps its data outside the model, or its data does not fit its shape.</exception>
    public static float[] ToFloats(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Require(tensor, TensorProto.Types.DataType.Float);
        var count = checked((int)ElementCount(tensor));
        if (!tensor.RawData.IsEmpty)
        {
            return ReadRaw<float>(tensor, count);
        }

        if (tensor.FloatData.Count != count)
        {
            throw Mismatch(tensor, tensor.FloatData.Count, count);
        }

        return [.. tensor.FloatData];
    }

    /// <summary>Reads an int64 tensor's values, from <c>raw_data</c> or <c>int64_data</c>.</summary>
    /// <param name="tensor">A tensor of type INT64.</param>
    public static long[] ToInt64s(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Require(tensor, TensorProto.Types.DataType.Int64);
        var count = checked((int)ElementCount(tensor));
        if (!tensor.RawData.IsEmpty)
        {
            return ReadRaw<long>(tensor, count);
        }

        if (tensor.Int64Data.Count != count)
        {
            throw Mismatch(tensor, tensor.Int64Data.Count, count);
        }

        return [.. tensor.Int64Data];
    }

    private static TensorProto Make(string name, TensorProto.Types.DataType type, ReadOnlySpan<long> dims, ReadOnlySpan<byte> raw, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        long expected = 1;
        foreach (var d in dims)
        {
            expected *= d;
        }

        if (expected != count)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(",", dims.ToArray())}] ({expected} elements) but {count} values were given.", nameof(dims));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.Add(dims.ToArray());
        // ONNX raw_data is little-endian; every platform we ship to (x64, arm64) is too.
        tensor.RawData = ByteString.CopyFrom(raw);
        return tensor;
    }

    private static T[] ReadRaw<T>(TensorProto tensor, int count)
        where T : unmanaged
    {
        var raw = tensor.RawData.Span;
        var size = Marshal.SizeOf<T>();
        if (raw.Length != count * size)
        {
            throw Mismatch(tensor, raw.Length / size, count);
        }

        return MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    private static void Require(TensorProto tensor, TensorProto.Types.DataType type)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new GraphException($"Tensor '{tensor.Name}' keeps its data in an external file; load the model with its external data and save it inline first.", tensor.Name);
        }

        if (tensor.DataType != (int)type)
        {
            throw new GraphException($"Tensor '{tensor.Name}' has data type {(TensorProto.Types.DataType)tensor.DataType}, expected {type}.", tensor.Name);
        }
    }

    private static GraphException Mismatch(TensorProto tensor, int actual, int expected) =>
        new($"Tensor '{tensor.Name}' holds {actual} values but its shape [{string.Join(",", tensor.Dims)}] needs {expected}; the model file is damaged.", tensor.Name);
}
