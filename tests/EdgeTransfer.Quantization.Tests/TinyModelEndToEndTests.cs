using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Quantization.Inspection;
using EdgeTransfer.Testing;
using Google.Protobuf;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>Calibrate, quantize, and let ONNX Runtime run and optimize the tiny residual net.</summary>
public sealed class TinyModelEndToEndTests
{
    [Fact]
    public void U8S8Model_FusesEveryConvIntoQLinearConv_AndTracksTheFloatModel()
    {
        // Given
        var model = TinyModels.ResidualNet();
        var options = new QuantizationOptions { ActivationType = ActivationType.UInt8 };

        // When
        var result = StaticQuantizer.Quantize(model, TinyModels.Batches(4, 4, seed: 11), options);
        using var dir = new TempDirectory();
        var path = dir.Combine("tiny.int8.onnx");
        File.WriteAllBytes(path, result.Quantization.Model.ToByteArray());
        var optimized = OptimizedGraphInspector.Inspect(path, dir.Combine("tiny.int8.optimized.onnx"));

        // Then ORT runs all four convolutions on int8 kernels, the Add as QLinearAdd
        Assert.True(optimized.AllConvolutionsInteger, Describe(optimized));
        Assert.Equal(4, optimized.IntegerConvCount);
        Assert.Contains(optimized.OperatorCounts, kv => kv.Key.EndsWith("QLinearAdd", StringComparison.Ordinal));
        Assert.Contains(optimized.OperatorCounts, kv => kv.Key.EndsWith("QLinearGlobalAveragePool", StringComparison.Ordinal));

        // And the outputs follow the float model
        AssertClose(model, result.Quantization.Model, 0.99);
    }

    /// <summary>
    /// S8S8 is for ARM64. On x86-64 ORT converts int8 Q/DQ pairs to uint8 only where one QuantizeLinear
    /// feeds one DequantizeLinear, so a tensor read by a Conv and a residual Add stays unfused there
    /// (docs/quantization.md); the model must still compute the right thing.
    /// </summary>
    [Fact]
    public void S8S8Model_TracksTheFloatModel()
    {
        var model = TinyModels.ResidualNet();

        var result = StaticQuantizer.Quantize(model, TinyModels.Batches(4, 4, seed: 11), new QuantizationOptions { ActivationType = ActivationType.Int8 });

        Assert.Contains(result.Quantization.Model.Graph.Initializer, t => t.Name == "r1_zero_point" && t.DataType == (int)TensorProto.Types.DataType.Int8);
        AssertClose(model, result.Quantization.Model, 0.99);
    }

    [Theory]
    [InlineData("Sin")]
    [InlineData("Erf")]
    public void UnsupportedOpInTheMiddle_RunsInFloat_AndTheRestIsStillInt8(string op)
    {
        var model = TinyModels.ResidualNet(middleOp: op);

        var result = StaticQuantizer.Quantize(model, TinyModels.Batches(4, 4, seed: 5));
        using var dir = new TempDirectory();
        var path = dir.Combine("tiny.int8.onnx");
        File.WriteAllBytes(path, result.Quantization.Model.ToByteArray());
        var optimized = OptimizedGraphInspector.Inspect(path, dir.Combine("opt.onnx"));

        Assert.Contains(result.Quantization.Report.FloatOps, f => f.OpType == op);
        Assert.True(optimized.AllConvolutionsInteger, Describe(optimized));
        Assert.Contains(optimized.OperatorCounts, kv => kv.Key == op);
        AssertClose(model, result.Quantization.Model, 0.98);
    }

    [OnnxCheckerFact]
    public void QuantizedModel_PassesTheOnnxChecker()
    {
        var model = TinyModels.ResidualNet(middleOp: "Sin");
        var result = StaticQuantizer.Quantize(model, TinyModels.Batches(2, 2, seed: 5), new QuantizationOptions { ActivationType = ActivationType.Int8 });
        using var dir = new TempDirectory();
        var path = dir.Combine("tiny.int8.onnx");
        File.WriteAllBytes(path, result.Quantization.Model.ToByteArray());

        Assert.Null(OnnxChecker.Check(path));
    }

    internal static string Describe(OptimizedGraphReport report) =>
        string.Join(", ", report.OperatorCounts.Select(kv => $"{kv.Key}×{kv.Value}"));

    internal static void AssertClose(ModelProto floatModel, ModelProto quantized, double minCosine)
    {
        using var f = OrtHelper.Session(floatModel);
        using var q = OrtHelper.Session(quantized);
        foreach (var batch in TinyModels.Batches(2, 4, seed: 99))
        {
            var expected = OrtHelper.Run(f, batch);
            var actual = OrtHelper.Run(q, batch);
            for (var i = 0; i < expected.Length; i++)
            {
                var cosine = OrtHelper.Cosine(expected[i], actual[i]);
                Assert.True(cosine >= minCosine, $"cosine {cosine:F4} < {minCosine}");
            }
        }
    }
}
