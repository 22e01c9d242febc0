using System.Text.Json;
using EdgeTransfer.Benchmarks.Backbone;

namespace EdgeTransfer.Benchmarks.Tests.Backbone;

public class BackboneReportTests
{
    [Fact]
    public void Speedup_IsTheRatioOfMedians_AndTheTargetUsesBatch1WithSpinningOff()
    {
        // Given float 12 ms and int8 4 ms at batch 1 with spinning off, and a slower spinning-on cell
        var report = Report(
            new LatencyComparison(Spinning: true, 1, TestData.Constant(30), TestData.Constant(20)),
            new LatencyComparison(Spinning: false, 1, TestData.Constant(12), TestData.Constant(4)),
            new LatencyComparison(Spinning: false, 8, TestData.Constant(9), TestData.Constant(3.6)));

        // When the targets are evaluated
        var speed = report.Targets.Single(t => t.Name == "int8-speedup-batch1");

        // Then the judged cell is batch 1 / spinning off, at 3×
        Assert.Equal(3, report.Batch1!.Speedup, 9);
        Assert.False(report.Batch1.Spinning);
        Assert.Equal(2.5, report.Latency[2].Speedup, 9);
        Assert.True(speed.Met);
        Assert.Contains("3.00×", speed.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_ReportMissedFigures_AndExplainAnUnreachableSize()
    {
        // Given a slow int8 backbone, poor features, a worse head and a 16 MB file for 15.9 M weights
        var report = Report(
            [new LatencyComparison(false, 1, TestData.Constant(10), TestData.Constant(5))],
            new FeatureAgreement(160, 0.95, 0.90),
            new HeadAccuracy(240, 160, 60, FloatAccuracy: 0.90, QuantizedAccuracy: 0.875, 0.1, 0.2));

        // When the targets are evaluated
        var targets = report.Targets.ToDictionary(t => t.Name);

        // Then every one is missed, and the size note gives the 8-bit floor
        Assert.All(targets.Values, t => Assert.False(t.Met));
        Assert.Equal(-2.5, report.Heads.DifferencePoints, 9);
        Assert.Contains("15.90 MB", targets["int8-file-size"].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_IsOneWellFormedObject_WithMachineFiguresAndVerdicts()
    {
        var report = Report(new LatencyComparison(false, 1, TestData.Constant(12), TestData.Constant(4)));

        using var json = JsonDocument.Parse(report.ToJson());

        var root = json.RootElement;
        Assert.Equal("backbone", root.GetProperty("benchmark").GetString());
        Assert.Equal("Test CPU", root.GetProperty("machine").GetProperty("cpu").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("machine").GetProperty("loadAverage1m").ValueKind);
        Assert.Equal(3, root.GetProperty("latency")[0].GetProperty("speedup").GetDouble(), 6);
        Assert.Equal(4, root.GetProperty("targets").GetArrayLength());
        Assert.False(root.GetProperty("allTargetsMet").GetBoolean());
        Assert.Equal(2, root.GetProperty("sizes").GetProperty("topLayers").GetArrayLength());
    }

    [Fact]
    public void WriteTable_PrintsTheMachineFirst_AndOneRowPerLatencyCell()
    {
        var report = Report(
            new LatencyComparison(false, 1, TestData.Constant(12), TestData.Constant(4)),
            new LatencyComparison(false, 8, TestData.Constant(9), TestData.Constant(3)));
        using var text = new StringWriter();

        report.WriteTable(text);

        var lines = text.ToString().Split('\n');
        Assert.StartsWith("machine    Test CPU, 2 cores", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Count(l => l.StartsWith("| off |", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("MISSED", StringComparison.Ordinal));
    }

    internal static BackboneReport Report(params LatencyComparison[] latency) => Report(latency, null, null);

    internal static BackboneReport Report(LatencyComparison[] latency, FeatureAgreement? agreement, HeadAccuracy? heads) => new()
    {
        Machine = TestData.Machine,
        LoadAverageAtEnd = 0.5,
        Model = "ResNet18.onnx",
        Data = "synthetic",
        Classes = ["good", "scratch"],
        TrainImages = 240,
        TestImages = 160,
        SkippedImages = 0,
        CalibrationImages = 32,
        CalibrationMethod = "MinMax",
        Int4Weights = "none",
        Threads = 2,
        Runs = 20,
        Warmup = 5,
        PhaseSeconds = [new("prepare", 1.0)],
        Latency = latency,
        Agreement = agreement ?? new FeatureAgreement(160, 0.998, 0.99),
        Heads = heads ?? new HeadAccuracy(240, 160, 60, 0.9, 0.9, 0.1, 0.1),
        Sizes = new SizeBreakdown(
            63_600_000,
            16_030_000,
            15_900_000,
            new Dictionary<string, long> { ["INT8"] = 15_890_000, ["INT32"] = 50_000 },
            40_000,
            [new LayerBytes("Conv1", "Conv", [512, 512, 3, 3], 2_361_858, 2_370_000), new LayerBytes("Conv2", "Conv", [512, 256, 3, 3], 1_182_208, 1_190_000)]),
        Graph = new GraphCheck(22, 0, 0),
    };
}
