using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Quantization.Tests;

public sealed class QdqQuantizerTests
{
    [Fact]
    public void PlanCalibration_ListsEveryActivation_AndMarksReluOutputsNonNegative()
    {
        // Given the tiny residual net
        var model = TinyModels.ResidualNet();

        // When planning
        var plan = QdqQuantizer.PlanCalibration(model);

        // Then the inputs and (post-Relu) outputs of quantized nodes are measured; MaxPool's output is tied, not measured
        Assert.Equal(["x", "r1", "conv2.out", "r2", "conv3.out", "conv4.out", "gap"], plan.Tensors);
        Assert.Contains("r1", plan.Tensors);
        Assert.Contains("r2", plan.Tensors);
        Assert.DoesNotContain("pooled", plan.Tensors);
        Assert.DoesNotContain("sum", plan.Tensors);
        Assert.DoesNotContain("conv1.out", plan.Tensors);
        Assert.True(plan.NonNegativeTensors.SetEquals(["r1", "r2"]));
    }

    [Fact]
    public void Quantize_FoldsReluIntoConvAndAdd_AndSharesOneQuantizePerTensor()
    {
        // Given the tiny net and ranges
        var model = TinyModels.ResidualNet();
        var ranges = FakeRanges(model);

        // When quantizing (U8S8, per channel)
        var result = QdqQuantizer.Quantize(model, ranges);
        var graph = result.Model.Graph;

        // Then no Relu is left, r1 has one QuantizeLinear and one DequantizeLinear per reader (conv2, the Add)
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Relu");
        Assert.Equal(2, result.Report.AbsorbedReluCount);
        var q = Assert.Single(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "r1");
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "DequantizeLinear" && n.Input[0] == q.Output[0]));
        Assert.Single(graph.Node, n => n.OpType == "Conv" && n.Output[0] == "r1");

        // And the quantized nodes are counted, Flatten is the one float op
        Assert.Equal(4, result.Report.QuantizedNodeCounts["Conv"]);
        Assert.Equal(1, result.Report.QuantizedNodeCounts["Add"]);
        Assert.Equal(1, result.Report.QuantizedNodeCounts["MaxPool"]);
        Assert.Equal(1, result.Report.QuantizedNodeCounts["GlobalAveragePool"]);
        Assert.Equal("Flatten", Assert.Single(result.Report.FloatOps).OpType);

        // And the graph keeps its interface
        Assert.Equal("x", graph.Input.Single().Name);
        Assert.Equal("features", graph.Output.Single().Name);
    }

    [Fact]
    public void Quantize_MaxPool_UsesTheSameScaleAndZeroPointOnBothSides()
    {
        var model = TinyModels.ResidualNet();
        var graph = QdqQuantizer.Quantize(model, FakeRanges(model)).Model.Graph;

        var pool = Assert.Single(graph.Node, n => n.OpType == "MaxPool");
        var dq = graph.Node.Single(n => n.Output[0] == pool.Input[0]);
        var q = graph.Node.Single(n => n.OpType == "QuantizeLinear" && n.Input[0] == pool.Output[0]);
        Assert.Equal("DequantizeLinear", dq.OpType);
        Assert.Equal(dq.Input[1], q.Input[1]);
        Assert.Equal(dq.Input[2], q.Input[2]);
    }

    [Fact]
    public void Quantize_Weights_AreInt8SymmetricPerChannel_AndBiasesInt32AtTheAccumulatorScale()
    {
        // Given
        var model = TinyModels.ResidualNet();
        var result = QdqQuantizer.Quantize(model, FakeRanges(model));
        var init = result.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var originalWeight = TensorProtos.ToFloats(model.Graph.Initializer.Single(t => t.Name == "conv2.weight"));
        var originalBias = TensorProtos.ToFloats(model.Graph.Initializer.Single(t => t.Name == "conv2.bias"));

        // When reading the quantized tensors
        var wq = init["conv2.weight_quantized"];
        var ws = TensorProtos.ToFloats(init["conv2.weight_scale"]);
        var wz = init["conv2.weight_zero_point"];
        var bq = init["conv2.bias_quantized"];
        var bs = TensorProtos.ToFloats(init["conv2.bias_scale"]);
        var xs = TensorProtos.ToFloats(init["r1_scale"])[0];

        // Then: int8 weights, one scale per output channel, zero points 0, error ≤ half a step
        Assert.Equal((int)TensorProto.Types.DataType.Int8, wq.DataType);
        Assert.Equal(TinyModels.Channels, ws.Length);
        Assert.All(wz.RawData.ToByteArray(), z => Assert.Equal(0, z));
        var q = wq.RawData.ToByteArray().Select(v => (sbyte)v).ToArray();
        Assert.All(q, v => Assert.InRange(v, -127, 127));
        var per = originalWeight.Length / TinyModels.Channels;
        for (var i = 0; i < originalWeight.Length; i++)
        {
            Assert.True(Math.Abs((q[i] * ws[i / per]) - originalWeight[i]) <= (ws[i / per] / 2) + 1e-7, $"weight {i}");
        }

        // And the float weights and biases are gone (the file must stay small)
        Assert.DoesNotContain("conv2.weight", init.Keys);
        Assert.DoesNotContain("conv2.bias", init.Keys);

        // And int32 biases at scale x_scale · w_scale[c]
        Assert.Equal((int)TensorProto.Types.DataType.Int32, bq.DataType);
        var bias = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bq.RawData.Span).ToArray();
        for (var c = 0; c < TinyModels.Channels; c++)
        {
            Assert.Equal(xs * ws[c], bs[c], 6);
            Assert.True(Math.Abs((bias[c] * bs[c]) - originalBias[c]) <= bs[c], $"bias {c}");
        }

        Assert.True(result.Report.QuantizedParameterBytes < result.Report.FloatParameterBytes / 2);
    }

    [Fact]
    public void Quantize_Int8Activations_WritesInt8ZeroPoints_AndClipsReluOutputsAtTheLowestCode()
    {
        var model = TinyModels.ResidualNet();
        var graph = QdqQuantizer.Quantize(model, FakeRanges(model), new QuantizationOptions { ActivationType = ActivationType.Int8 }).Model.Graph;

        var zp = graph.Initializer.Single(t => t.Name == "r1_zero_point");
        Assert.Equal((int)TensorProto.Types.DataType.Int8, zp.DataType);
        Assert.Equal(-128, (sbyte)zp.RawData[0]);
    }

    [Fact]
    public void Quantize_PerTensor_WritesScalarWeightScales_WithoutAxis()
    {
        var model = TinyModels.ResidualNet();
        var graph = QdqQuantizer.Quantize(model, FakeRanges(model), new QuantizationOptions { PerChannel = false }).Model.Graph;

        Assert.Empty(graph.Initializer.Single(t => t.Name == "conv2.weight_scale").Dims);
        Assert.All(graph.Node.Where(n => n.OpType == "DequantizeLinear"), n => Assert.Empty(n.Attribute));
    }

    [Fact]
    public void Quantize_ReducedWeightRange_KeepsWeightsWithin64()
    {
        var model = TinyModels.ResidualNet();

        var result = QdqQuantizer.Quantize(model, FakeRanges(model), new QuantizationOptions { ReduceWeightRange = true });

        var q = result.Model.Graph.Initializer.Single(t => t.Name == "conv2.weight_quantized").RawData.ToByteArray().Select(v => (sbyte)v).ToArray();
        Assert.All(q, v => Assert.InRange(v, -64, 64));
        Assert.Contains(q, v => Math.Abs(v) == 64);
        Assert.True(result.Report.ReducedWeightRange);
    }

    [Fact]
    public void Quantize_ExcludedNode_StaysFloat_AndIsReported()
    {
        var model = TinyModels.ResidualNet();
        var conv3 = model.Graph.Node.Single(n => n.Output[0] == "conv3.out").Name;

        var result = QdqQuantizer.Quantize(model, FakeRanges(model), new QuantizationOptions { ExcludedNodes = new HashSet<string> { conv3 } });

        Assert.Contains(result.Report.FloatOps, f => f.NodeName == conv3 && f.Reason.Contains("excluded", StringComparison.Ordinal));
        Assert.Equal(3, result.Report.QuantizedNodeCounts["Conv"]);
        Assert.Contains(result.Model.Graph.Initializer, t => t.Name == "conv3.weight" && t.DataType == (int)TensorProto.Types.DataType.Float);
    }

    [Fact]
    public void Quantize_MissingRange_LeavesThatNodeFloat_WithTheTensorNamed()
    {
        var model = TinyModels.ResidualNet();
        var ranges = FakeRanges(model);
        ranges.Remove("gap");

        var result = QdqQuantizer.Quantize(model, ranges);

        var gap = Assert.Single(result.Report.FloatOps, f => f.OpType == "GlobalAveragePool");
        Assert.Contains("'gap'", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_OpsetBelow13_IsRejectedWithAClearMessage()
    {
        var model = TinyModels.ResidualNet(opset: 11);

        var error = Assert.Throws<GraphException>(() => QdqQuantizer.Quantize(model, FakeRanges(TinyModels.ResidualNet())));

        Assert.Contains("opset 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_NonFiniteRange_IsRejectedNamingTheTensor()
    {
        var model = TinyModels.ResidualNet();
        var ranges = FakeRanges(model);
        ranges["r1"] = new TensorRange(0, float.NaN);

        var error = Assert.Throws<GraphException>(() => QdqQuantizer.Quantize(model, ranges));

        Assert.Equal("r1", error.TensorName);
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Options_BadPercentile_IsRejectedNamingTheSetting(double percentile)
    {
        var error = Assert.Throws<InvalidSettingException>(() => QuantizationOptionsValidator.Validate(new QuantizationOptions { Percentile = percentile }));

        Assert.Equal("quantization.percentile", error.Setting);
    }

    [Fact]
    public void Quantize_UnsupportedOp_QuantizesTheRest_AndListsItAsFloat()
    {
        // Given a Sin between two convolutions
        var model = TinyModels.ResidualNet(middleOp: "Sin");

        // When
        var result = QdqQuantizer.Quantize(model, FakeRanges(model));

        // Then Sin is reported and reads a dequantized tensor; its output is quantized again for conv4
        var sin = Assert.Single(result.Report.FloatOps, f => f.OpType == "Sin");
        Assert.Contains("float", sin.Reason, StringComparison.Ordinal);
        Assert.Equal(4, result.Report.QuantizedNodeCounts["Conv"]);
        var graph = result.Model.Graph;
        var sinNode = graph.Node.Single(n => n.OpType == "Sin");
        Assert.Equal("DequantizeLinear", graph.Node.Single(n => n.Output[0] == sinNode.Input[0]).OpType);
        Assert.Contains(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == sinNode.Output[0]);
    }

    internal static Dictionary<string, TensorRange> FakeRanges(ModelProto model)
    {
        var plan = QdqQuantizer.PlanCalibration(model);
        return plan.Tensors.ToDictionary(t => t, t => plan.NonNegativeTensors.Contains(t) ? new TensorRange(0, 4) : new TensorRange(-3, 5));
    }
}
