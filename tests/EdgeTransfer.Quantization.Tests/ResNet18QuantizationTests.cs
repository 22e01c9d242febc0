using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Onnx.Tensors;
using EdgeTransfer.Quantization.Inspection;
using EdgeTransfer.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>The real backbone: the proof that it runs on int8 kernels, accuracy against float, size.</summary>
public sealed class ResNet18QuantizationTests : IClassFixture<ResNet18Fixture>
{
    private readonly ResNet18Fixture _fixture;
    private readonly ITestOutputHelper _output;

    public ResNet18QuantizationTests(ResNet18Fixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_EXTENDED)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void OptimizedGraph_RunsEveryConvolutionAsQLinearConv(GraphOptimizationLevel level)
    {
        // Given the quantized backbone and the number of convolutions in the float one
        var floatConvs = _fixture.FloatModel.Graph.Node.Count(n => n.OpType == "Conv");

        // When ORT optimizes it for the CPU execution provider and writes the graph it will run
        var report = OptimizedGraphInspector.Inspect(_fixture.QuantizedPath, _fixture.Combine($"optimized.{level}.onnx"), level);
        _output.WriteLine($"{level}: {TinyModelEndToEndTests.Describe(report)}");

        // Then every convolution is a QLinearConv: no float Conv, no DequantizeLinear feeding one
        Assert.Equal(0, report.FloatConvCount);
        Assert.Equal(0, report.DequantizeFeedingConvCount);
        Assert.Equal(floatConvs, report.OperatorCounts.Where(kv => kv.Key.EndsWith("QLinearConv", StringComparison.Ordinal)).Sum(kv => kv.Value));
        Assert.Equal(floatConvs, report.IntegerConvCount);
        Assert.Contains(report.OperatorCounts, kv => kv.Key.EndsWith("QLinearAdd", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_CountsEveryConvAddAndPool_AndLeavesOnlyTheFlattenInFloat()
    {
        var report = _fixture.Result.Quantization.Report;
        _output.WriteLine($"quantized: {string.Join(", ", report.QuantizedNodeCounts.Select(kv => $"{kv.Key}×{kv.Value}"))}; Relu folded: {report.AbsorbedReluCount}; float: {string.Join(", ", report.FloatOps.Select(f => f.OpType))}");
        _output.WriteLine($"calibration: {_fixture.Result.Calibration.ImagesUsed} images, {_fixture.Result.Calibration.Method}");

        Assert.Equal(_fixture.FloatModel.Graph.Node.Count(n => n.OpType == "Conv"), report.QuantizedNodeCounts["Conv"]);
        Assert.Equal(_fixture.FloatModel.Graph.Node.Count(n => n.OpType == "Add"), report.QuantizedNodeCounts["Add"]);
        Assert.Equal(_fixture.FloatModel.Graph.Node.Count(n => n.OpType == "Relu"), report.AbsorbedReluCount);
        Assert.All(report.FloatOps, f => Assert.Contains(f.OpType, new[] { "Flatten", "Reshape", "Squeeze" }));
        Assert.Equal(ResNet18Fixture.CalibrationImages, _fixture.Result.Calibration.ImagesUsed);
    }

    [Fact]
    public void Int8Features_AreCloseToFloatFeatures_OnUnseenSyntheticParts()
    {
        // Given images the calibration did not see
        using var f = OrtHelper.Session(_fixture.FloatModel);
        using var q = OrtHelper.Session(_fixture.QuantizedModel);
        var cosines = new List<double>();

        // When both backbones extract features
        foreach (var batch in ResNet18Fixture.Batches(24, 8, firstIndex: 1000))
        {
            var expected = OrtHelper.Run(f, batch);
            var actual = OrtHelper.Run(q, batch);
            cosines.AddRange(expected.Select((e, i) => OrtHelper.Cosine(e, actual[i])));
        }

        // Then the mean cosine similarity is at least 0.99
        _output.WriteLine($"cosine int8 vs float over {cosines.Count} images: mean {cosines.Average():F4}, min {cosines.Min():F4}");
        Assert.True(cosines.Average() >= 0.99, $"mean cosine {cosines.Average():F4}");
    }

    /// <summary>
    /// The file is one byte per weight plus little else. (The 12.5 MB target assumed torchvision's 11.2 M-weight
    /// ResNet18; this CNTK ResNet18 has 22 convolutions and 15.9 M weights, so its floor is 15.9 MB.)
    /// </summary>
    [Fact]
    public void QuantizedFile_IsOneBytePerWeightPlusAtMost256KB()
    {
        // Given the number of convolution weights of the float backbone
        var weights = _fixture.FloatModel.Graph.Node
            .Where(n => n.OpType == "Conv")
            .Sum(n => TensorProtos.ElementCount(_fixture.FloatModel.Graph.Initializer.Single(i => i.Name == n.Input[1])));

        // When measuring the int8 file
        var bytes = new FileInfo(_fixture.QuantizedPath).Length;
        _output.WriteLine($"float {new FileInfo(_fixture.FloatPath).Length / 1e6:F2} MB, int8 {bytes / 1e6:F2} MB, of which int8 weights {weights / 1e6:F2} MB and everything else {(bytes - weights) / 1e3:F0} KB");

        // Then no float weight is left, and biases, scales and the graph are compact
        Assert.True(bytes - weights <= 256 * 1024, $"int8 backbone is {bytes} bytes for {weights} weights");
        Assert.DoesNotContain(_fixture.QuantizedModel.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count == 4);
    }

    [OnnxCheckerFact]
    public void QuantizedFile_PassesTheOnnxChecker() =>
        Assert.Null(OnnxChecker.Check(_fixture.QuantizedPath));

    /// <summary>Prints (asserts only a floor): which calibration method suits the backbone is a measurement.</summary>
    [Fact]
    public void PrintCosine_PercentileVsMinMax()
    {
        var percentile = StaticQuantizer.Quantize(
            _fixture.FloatModel,
            ResNet18Fixture.Batches(ResNet18Fixture.CalibrationImages, 8, firstIndex: 0),
            new QuantizationOptions { Method = CalibrationMethod.Percentile });
        using var f = OrtHelper.Session(_fixture.FloatModel);
        using var minMax = OrtHelper.Session(_fixture.QuantizedModel);
        using var p = OrtHelper.Session(percentile.Quantization.Model);
        var (m, pc) = (new List<double>(), new List<double>());
        foreach (var batch in ResNet18Fixture.Batches(16, 8, firstIndex: 2000))
        {
            var expected = OrtHelper.Run(f, batch);
            m.AddRange(OrtHelper.Run(minMax, batch).Select((a, i) => OrtHelper.Cosine(expected[i], a)));
            pc.AddRange(OrtHelper.Run(p, batch).Select((a, i) => OrtHelper.Cosine(expected[i], a)));
        }

        _output.WriteLine($"cosine to float over {m.Count} images: minmax mean {m.Average():F4} min {m.Min():F4}; percentile {QuantizationOptions.DefaultPercentile} mean {pc.Average():F4} min {pc.Min():F4}");
        Assert.True(pc.Average() >= 0.98, $"percentile mean cosine {pc.Average():F4}");
    }

    /// <summary>Prints, never asserts: timed unit tests are noise. The benchmark command owns the figures.</summary>
    [Fact]
    public void PrintLatency_FloatVsInt8_AtBatch1And8()
    {
        var flags = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : string.Empty;
        _output.WriteLine($"{Environment.ProcessorCount} cores, AVX2 {Avx2.IsSupported}, AVX-512 VNNI {flags.Contains("avx512_vnni", StringComparison.Ordinal)}, ORT 2 intra-op threads, allow_spinning=0");
        foreach (var batchSize in new[] { 1, 8 })
        {
            var batch = ResNet18Fixture.Batches(batchSize, batchSize, firstIndex: 500).Single();
            var floatMs = MsPerImage(_fixture.FloatModel, batch, batchSize);
            var int8Ms = MsPerImage(_fixture.QuantizedModel, batch, batchSize);
            _output.WriteLine($"batch {batchSize}: float {floatMs:F2} ms/img, int8 {int8Ms:F2} ms/img, speed-up {floatMs / int8Ms:F2}×");
        }

        _output.WriteLine($"int8 file {new FileInfo(_fixture.QuantizedPath).Length / 1e6:F2} MB");
    }

    private static double MsPerImage(ModelProto model, Calibration.CalibrationBatch batch, int batchSize)
    {
        using var session = OrtHelper.Session(model);
        var runs = batchSize == 1 ? 30 : 10;
        for (var i = 0; i < 3; i++)
        {
            OrtHelper.Run(session, batch);
        }

        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            OrtHelper.Run(session, batch);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2] / batchSize;
    }
}
