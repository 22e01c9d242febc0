using EdgeTransfer.Onnx.Building;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;
using EdgeTransfer.Quantization.Calibration;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>Small seeded float graphs with the shapes of a ResNet block, for fast quantizer tests.</summary>
internal static class TinyModels
{
    public const int Channels = 8;
    public const int Size = 12;

    /// <summary>
    /// x[N,3,12,12] → Conv → Relu (r1) → Conv → Add(·, r1) → Relu → MaxPool → Conv → [middle op] →
    /// Conv → GlobalAveragePool → Flatten → features [N,8]. With <paramref name="middleOp"/> (Sin, Erf …)
    /// an operator we cannot quantize sits between the last two convolutions.
    /// </summary>
    public static ModelProto ResidualNet(int seed = 1, string? middleOp = null, long opset = GraphBuilder.OpsetVersion)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder("tiny");
        var x = b.AddInput("x", TensorProto.Types.DataType.Float, "N", 3, Size, Size);
        var r1 = b.Node("Relu", [Conv(b, rng, x, 3, Channels, "conv1")], "r1");
        var c2 = Conv(b, rng, r1, Channels, Channels, "conv2");
        var sum = b.Node("Add", [c2, r1], "sum");
        var r2 = b.Node("Relu", [sum], "r2");
        var pooled = b.Node("MaxPool", [r2], "pooled", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        var c3 = Conv(b, rng, pooled, Channels, Channels, "conv3");
        var mid = middleOp is null ? c3 : b.Node(middleOp, [c3], "middle");
        var c4 = Conv(b, rng, mid, Channels, Channels, "conv4");
        var gap = b.Node("GlobalAveragePool", [c4], "gap");
        b.Node("Flatten", [gap], "features", Int("axis", 1));
        b.AddOutput("features", TensorProto.Types.DataType.Float, "N", Channels);
        var model = b.Build();
        model.OpsetImport[0].Version = opset;
        return model;
    }

    /// <summary>Seeded batches of smooth random images (noise plus a gradient), the kind a camera gives.</summary>
    public static IEnumerable<CalibrationBatch> Batches(int count, int batchSize, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var data = new float[batchSize * 3 * Size * Size];
            for (var k = 0; k < data.Length; k++)
            {
                var pixel = k % (Size * Size);
                data[k] = (float)((rng.NextDouble() * 2) - 1 + (0.05 * (pixel % Size)) - (0.03 * (pixel / Size)));
            }

            yield return new CalibrationBatch(data, batchSize, 3, Size, Size);
        }
    }

    private static string Conv(GraphBuilder b, Random rng, string input, int inChannels, int outChannels, string name)
    {
        var weights = new float[outChannels * inChannels * 9];
        var std = Math.Sqrt(2.0 / (inChannels * 9));
        for (var i = 0; i < weights.Length; i++)
        {
            // Per-channel magnitudes that differ by 10× (the case per-channel scales are for), with a mean
            // gain near 1 so that activations keep their size through the layers.
            weights[i] = (float)(Gaussian(rng) * std * (0.2 + (1.8 * (i / (inChannels * 9)) / outChannels)));
        }

        var bias = Enumerable.Range(0, outChannels).Select(_ => (float)(Gaussian(rng) * 0.1)).ToArray();
        var w = b.AddInitializer(TensorProtos.FromFloats(name + ".weight", [outChannels, inChannels, 3, 3], weights));
        var bb = b.AddInitializer(TensorProtos.FromFloats(name + ".bias", [outChannels], bias));
        return b.Node("Conv", [input, w, bb], name + ".out", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
