using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Onnx.Tensors;
using EdgeTransfer.Quantization.Inspection;
using EdgeTransfer.Testing;
using Google.Protobuf;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>4-bit weights in int8 initializers, taken out into a packed file and put back as the device does.</summary>
public sealed class Int4WeightsTests
{
    // conv2–conv4 of the tiny net have 8·8·3·3 = 576 values, conv1 8·3·3·3 = 216.
    private const long LargeConvs = 500;

    [Theory]
    [InlineData(0, WeightRounding.Nearest)]
    [InlineData(0, WeightRounding.MseScale)]
    [InlineData(8, WeightRounding.Nearest)]
    [InlineData(8, WeightRounding.MseScale)]
    public void LargeConvs_GetFourBitValues_StillRunAsQLinearConv_AndTrackTheFloatModel(int groupSize, WeightRounding rounding)
    {
        // Given the tiny residual net quantized with 4-bit weights for its three 576-value convolutions
        var model = TinyModels.ResidualNet();
        var options = new QuantizationOptions { Int4MinWeightCount = LargeConvs, Int4GroupSize = groupSize, Int4Rounding = rounding };

        // When it is quantized
        var result = StaticQuantizer.Quantize(model, TinyModels.Batches(4, 4, seed: 11), options);
        using var dir = new TempDirectory();
        var path = dir.Combine("tiny.int8.onnx");
        File.WriteAllBytes(path, result.Quantization.Model.ToByteArray());
        var optimized = OptimizedGraphInspector.Inspect(path, dir.Combine("tiny.int8.optimized.onnx"));

        // Then exactly those three weights are listed, each value is m·q (m ≤ 16 per group of 8, q in [-7, 7]),
        // ORT still fuses every Conv into an int8 kernel, and the features follow the float model
        var report = result.Quantization.Report;
        Assert.Equal(3, report.Int4Weights.Count);
        foreach (var name in report.Int4Weights)
        {
            var values = Int8Values(result.Quantization.Model, name);
            var groups = values.Chunk(groupSize == 0 ? values.Length : groupSize).ToList();
            Assert.All(groups, g => Assert.Contains(Enumerable.Range(1, groupSize == 0 ? 1 : 16), m => g.All(v => v % m == 0 && Math.Abs(v / m) <= 7)));
        }

        Assert.DoesNotContain(report.Int4Weights, n => n.StartsWith("conv1", StringComparison.Ordinal));
        Assert.True(optimized.AllConvolutionsInteger, TinyModelEndToEndTests.Describe(optimized));
        TinyModelEndToEndTests.AssertClose(model, result.Quantization.Model, 0.95);
    }

    [Fact]
    public void GroupedSteps_LoseLessThanOneStepPerChannel()
    {
        // Given the same net with per-channel and with grouped 4-bit weights (round to nearest)
        var model = TinyModels.ResidualNet();
        double Error(int groupSize)
        {
            var options = new QuantizationOptions { Int4MinWeightCount = LargeConvs, Int4GroupSize = groupSize, Int4Rounding = WeightRounding.Nearest };
            var quantized = QdqQuantizer.Quantize(model, Ranges(model, options), options).Model;
            return WeightError(model, quantized, "conv3.weight");
        }

        // When the dequantized weights are compared with the float ones
        var perChannel = Error(0);
        var grouped = Error(8);

        // Then groups of 8 lose less
        Assert.True(grouped < perChannel, $"grouped {grouped:E3} ≥ per channel {perChannel:E3}");
    }

    [Fact]
    public void TakenOutPackedAndPutBack_TheModelIsTheSame_ForProtobufAndForOnnxRuntime()
    {
        // Given a quantized net with grouped 4-bit weights
        var model = TinyModels.ResidualNet();
        var options = new QuantizationOptions { Int4MinWeightCount = LargeConvs, Int4GroupSize = 8 };
        var quantized = StaticQuantizer.Quantize(model, TinyModels.Batches(4, 4, seed: 11), options).Quantization;

        // When the 4-bit weights are taken out, packed, and put back into the remaining graph's bytes
        var stripped = quantized.Model.Clone();
        var tensors = Int4WeightPacking.TakeOut(stripped, quantized.Report.Int4Weights, options.Int4GroupSize);
        using var packed = new MemoryStream();
        PackedWeightsFile.Write(packed, tensors);
        var restored = PackedWeightsFile.Expand(stripped.ToByteArray(), packed.ToArray(), "tiny", PackedWeightsFile.DefaultFileName);

        // Then the stripped graph lacks them, the packed file is about half their bytes,
        // Google.Protobuf reads every original initializer back, and ORT gives identical features
        Assert.All(quantized.Report.Int4Weights, n => Assert.DoesNotContain(stripped.Graph.Initializer, i => i.Name == n));
        Assert.True(packed.Length < (tensors.Sum(t => t.Values.Length) * 0.6) + 200, $"{packed.Length} bytes packed");
        var parsed = ModelProto.Parser.ParseFrom(restored);
        foreach (var original in quantized.Model.Graph.Initializer)
        {
            var back = Assert.Single(parsed.Graph.Initializer, i => i.Name == original.Name);
            Assert.Equal(original.Dims, back.Dims);
            Assert.Equal(original.DataType, back.DataType);
            Assert.Equal(original.RawData.ToByteArray(), back.RawData.ToByteArray());
        }

        using var expected = OrtHelper.Session(quantized.Model);
        using var options2 = OrtHelper.Options();
        using var actual = new Microsoft.ML.OnnxRuntime.InferenceSession(restored, options2);
        var batch = TinyModels.Batches(1, 4, seed: 99).Single();
        Assert.Equal(OrtHelper.Run(expected, batch).SelectMany(r => r), OrtHelper.Run(actual, batch).SelectMany(r => r));
    }

    /// <summary>
    /// Why 4-bit weights are expanded to int8 rather than shipped as ONNX INT4: ORT 1.31's CPU provider does not fuse a
    /// DequantizeLinear of int4 weights into QLinearConv, so such a Conv runs in float. Fails when ORT learns it.
    /// </summary>
    [Fact]
    public void OnnxInt4DequantizeLinear_IsNotFusedIntoAnInt8Conv_ByThisOnnxRuntime()
    {
        // Given the tiny net quantized with 4-bit values, its conv3 weight stored as ONNX INT4 (opset 21)
        var model = StaticQuantizer.Quantize(TinyModels.ResidualNet(), TinyModels.Batches(4, 4, seed: 11), new QuantizationOptions { Int4MinWeightCount = LargeConvs }).Quantization.Model;
        model.OpsetImport[0].Version = 21;
        var weight = model.Graph.Initializer.Single(i => i.Name == "conv3.weight_quantized");
        var zeroPoint = model.Graph.Initializer.Single(i => i.Name == "conv3.weight_zero_point");
        var packed = new byte[(weight.RawData.Length + 1) / 2];
        var values = MemoryMarshal.Cast<byte, sbyte>(weight.RawData.Span);
        for (var i = 0; i < values.Length; i++)
        {
            packed[i / 2] |= (byte)((values[i] & 0x0F) << (i % 2 * 4));
        }

        const int Int4 = 22; // TensorProto.DataType.INT4 (ONNX 1.16)
        weight.DataType = Int4;
        weight.RawData = ByteString.CopyFrom(packed);
        zeroPoint.DataType = Int4;
        zeroPoint.RawData = ByteString.CopyFrom(new byte[(zeroPoint.RawData.Length + 1) / 2]);

        // When ORT optimizes it
        using var dir = new TempDirectory();
        var path = dir.Combine("int4.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var optimized = OptimizedGraphInspector.Inspect(path, dir.Combine("int4.optimized.onnx"));

        // Then that Conv is left as DequantizeLinear → float Conv
        Assert.Equal(1, optimized.FloatConvCount);
        Assert.Equal(3, optimized.IntegerConvCount);
    }

    private static sbyte[] Int8Values(ModelProto model, string name) =>
        MemoryMarshal.Cast<byte, sbyte>(model.Graph.Initializer.Single(i => i.Name == name).RawData.Span).ToArray();

    private static Dictionary<string, TensorRange> Ranges(ModelProto model, QuantizationOptions options) =>
        QdqQuantizer.PlanCalibration(model, options).Tensors.ToDictionary(t => t, _ => new TensorRange(-4f, 4f), StringComparer.Ordinal);

    // Σ (w − s·q)² of one Conv weight: float initializer against the QDQ model's int8 values and per-channel scales.
    private static double WeightError(ModelProto floatModel, ModelProto quantized, string weight)
    {
        var w = TensorProtos.ToFloats(floatModel.Graph.Initializer.Single(i => i.Name == weight));
        var q = Int8Values(quantized, weight + "_quantized");
        var scales = TensorProtos.ToFloats(quantized.Graph.Initializer.Single(i => i.Name == weight + "_scale"));
        var perChannel = w.Length / scales.Length;
        return w.Select((v, k) => Math.Pow(v - (q[k] * (double)scales[k / perChannel]), 2)).Sum();
    }
}
