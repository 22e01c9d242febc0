using System.Text.Json;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;
using DataType = EdgeTransfer.Onnx.Protos.TensorProto.Types.DataType;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Where the bytes of the float and int8 backbone files are: by data type, by layer, and the graph itself.</summary>
/// <param name="FloatFileBytes">The float backbone file as written.</param>
/// <param name="Int8FileBytes">The int8 backbone file as written.</param>
/// <param name="FloatWeightCount">The values of the float backbone's initializers (weights and biases).</param>
/// <param name="Int8BytesByDataType">The int8 file's initializer bytes by ONNX data type (INT8 weights, INT32 biases, FLOAT scales …).</param>
/// <param name="Int8OtherBytes">The rest of the int8 file: graph, names, attributes, protobuf framing.</param>
/// <param name="TopLayers">The layers with the most bytes, largest first.</param>
public sealed record SizeBreakdown(
    long FloatFileBytes,
    long Int8FileBytes,
    long FloatWeightCount,
    IReadOnlyDictionary<string, long> Int8BytesByDataType,
    long Int8OtherBytes,
    IReadOnlyList<LayerBytes> TopLayers)
{
    /// <summary>Bytes in a megabyte as the issues count them (decimal: 63.6 MB float ResNet18 = 15.9 M weights × 4 bytes).</summary>
    public const double BytesPerMegabyte = 1_000_000;

    /// <summary>
    /// The smallest an 8-bit file of this model can be: one byte per weight. A size target below it cannot be
    /// met by int8 quantization alone (it needs fewer weights or fewer bits per weight).
    /// </summary>
    public long Int8FloorBytes => FloatWeightCount;

    /// <summary>Analyses the two models and their file sizes.</summary>
    /// <param name="floatModel">The float backbone.</param>
    /// <param name="int8Model">The QDQ backbone.</param>
    /// <param name="floatFileBytes">The float file's size.</param>
    /// <param name="int8FileBytes">The int8 file's size.</param>
    /// <param name="topLayers">How many layers to list.</param>
    public static SizeBreakdown Analyze(ModelProto floatModel, ModelProto int8Model, long floatFileBytes, long int8FileBytes, int topLayers)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(int8Model);
        var floatWeights = floatModel.Graph.Initializer.Sum(TensorProtos.ElementCount);

        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var layers = new Dictionary<string, (string Op, long[] Shape, long Largest, long Elements, long Bytes)>(StringComparer.Ordinal);
        var readers = Readers(int8Model.Graph);
        long initializerBytes = 0;
        foreach (var tensor in int8Model.Graph.Initializer)
        {
            var bytes = DataBytes(tensor);
            initializerBytes += bytes;
            var type = ((DataType)tensor.DataType).ToString().ToUpperInvariant();
            byType[type] = byType.GetValueOrDefault(type) + bytes;

            var layer = Layer(tensor.Name, readers);
            var key = layer?.Name is { Length: > 0 } name ? name : layer?.Output[0] ?? "(unused)";
            var current = layers.GetValueOrDefault(key, (layer?.OpType ?? "-", [], 0, 0, 0));
            var elements = TensorProtos.ElementCount(tensor);
            if (elements > current.Largest)
            {
                current.Shape = [.. tensor.Dims];
                current.Largest = elements;
            }

            layers[key] = (current.Op, current.Shape, current.Largest, current.Elements + elements, current.Bytes + bytes);
        }

        var top = layers
            .OrderByDescending(kv => kv.Value.Bytes)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(topLayers)
            .Select(kv => new LayerBytes(kv.Key, kv.Value.Op, kv.Value.Shape, kv.Value.Elements, kv.Value.Bytes))
            .ToList();
        return new SizeBreakdown(floatFileBytes, int8FileBytes, floatWeights, byType, Math.Max(0, int8FileBytes - initializerBytes), top);
    }

    /// <summary>Writes the breakdown as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteJson(Utf8JsonWriter writer, string name)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(name);
        writer.WriteNumber("floatFileBytes", FloatFileBytes);
        writer.WriteNumber("int8FileBytes", Int8FileBytes);
        writer.WriteNumber("floatWeightCount", FloatWeightCount);
        writer.WriteNumber("int8FloorBytes", Int8FloorBytes);
        writer.WriteStartObject("int8BytesByDataType");
        foreach (var (type, bytes) in Int8BytesByDataType)
        {
            writer.WriteNumber(type, bytes);
        }

        writer.WriteEndObject();
        writer.WriteNumber("int8OtherBytes", Int8OtherBytes);
        writer.WriteStartArray("topLayers");
        foreach (var layer in TopLayers)
        {
            writer.WriteStartObject();
            writer.WriteString("layer", layer.Layer);
            writer.WriteString("op", layer.OpType);
            writer.WriteStartArray("weightShape");
            foreach (var d in layer.WeightShape)
            {
                writer.WriteNumberValue(d);
            }

            writer.WriteEndArray();
            writer.WriteNumber("elements", layer.Elements);
            writer.WriteNumber("bytes", layer.Bytes);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static Dictionary<string, List<NodeProto>> Readers(GraphProto graph)
    {
        var readers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                if (!readers.TryGetValue(input, out var list))
                {
                    readers[input] = list = [];
                }

                list.Add(node);
            }
        }

        return readers;
    }

    // A weight is read by a DequantizeLinear whose output feeds the layer; a bias or scale may be too.
    // Follow Q/DQ nodes (at most a few hops) to the first node that computes something.
    private static NodeProto? Layer(string tensor, Dictionary<string, List<NodeProto>> readers)
    {
        var frontier = new Queue<(string Tensor, int Depth)>([(tensor, 0)]);
        while (frontier.Count > 0)
        {
            var (name, depth) = frontier.Dequeue();
            if (!readers.TryGetValue(name, out var nodes))
            {
                continue;
            }

            foreach (var node in nodes)
            {
                if (node.OpType is not ("DequantizeLinear" or "QuantizeLinear"))
                {
                    return node;
                }

                if (depth < 3)
                {
                    foreach (var output in node.Output)
                    {
                        frontier.Enqueue((output, depth + 1));
                    }
                }
            }
        }

        return null;
    }

    private static long DataBytes(TensorProto tensor)
    {
        if (!tensor.RawData.IsEmpty)
        {
            return tensor.RawData.Length;
        }

        var size = (DataType)tensor.DataType switch
        {
            DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
            DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => 2,
            DataType.Double or DataType.Int64 or DataType.Uint64 => 8,
            _ => 4,
        };
        return TensorProtos.ElementCount(tensor) * size;
    }
}
