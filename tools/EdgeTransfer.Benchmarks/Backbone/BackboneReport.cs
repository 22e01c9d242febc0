using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Everything <c>edgetransfer bench backbone</c> measured in one run, with the targets of issue 3.</summary>
public sealed class BackboneReport
{
    /// <summary>Issue 3: int8 at least this many times faster than float at batch 1.</summary>
    public const double SpeedupTarget = 2.5;

    /// <summary>Issue 3: mean cosine similarity of int8 to float features.</summary>
    public const double CosineTarget = 0.99;

    /// <summary>Issue 3: int8-feature head accuracy at most this many points below the float-feature head.</summary>
    public const double AccuracyPointsTarget = 1.0;

    /// <summary>Issue 3: int8 backbone file size in bytes (12.5 MB).</summary>
    public const long Int8SizeTargetBytes = 12_500_000;

    /// <summary>The machine, as read at the start.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The 1-minute load average at the end (NaN where unknown).</summary>
    public required double LoadAverageAtEnd { get; init; }

    /// <summary>The pretrained model file.</summary>
    public required string Model { get; init; }

    /// <summary>Where the images came from.</summary>
    public required string Data { get; init; }

    /// <summary>The class names.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Train images with features (calibration images are taken from these).</summary>
    public required int TrainImages { get; init; }

    /// <summary>Test images with features.</summary>
    public required int TestImages { get; init; }

    /// <summary>Images that could not be decoded and were left out.</summary>
    public required int SkippedImages { get; init; }

    /// <summary>Train images the int8 ranges were calibrated on.</summary>
    public required int CalibrationImages { get; init; }

    /// <summary>The calibration method.</summary>
    public required string CalibrationMethod { get; init; }

    /// <summary>Which int8 weights hold 4-bit values, or <c>none</c>.</summary>
    public required string Int4Weights { get; init; }

    /// <summary>ORT intra-op threads of the timed sessions.</summary>
    public required int Threads { get; init; }

    /// <summary>Timed runs per cell.</summary>
    public required int Runs { get; init; }

    /// <summary>Untimed runs per cell.</summary>
    public required int Warmup { get; init; }

    /// <summary>Seconds spent in each phase, in order (prepare, quantize, features, latency, heads).</summary>
    public required IReadOnlyList<KeyValuePair<string, double>> PhaseSeconds { get; init; }

    /// <summary>Float vs int8 latency per spinning setting and batch size.</summary>
    public required IReadOnlyList<LatencyComparison> Latency { get; init; }

    /// <summary>Kernel time by operator type at batch 1 (float, then int8), from ORT's profiler.</summary>
    public IReadOnlyList<OperatorProfile> Profiles { get; init; } = [];

    /// <summary>Feature cosine similarity on the test images.</summary>
    public required FeatureAgreement Agreement { get; init; }

    /// <summary>Linear-head accuracy on float vs int8 features.</summary>
    public required HeadAccuracy Heads { get; init; }

    /// <summary>File sizes and where the bytes are.</summary>
    public required SizeBreakdown Sizes { get; init; }

    /// <summary>What ORT runs for the int8 graph.</summary>
    public required GraphCheck Graph { get; init; }

    /// <summary>The batch-1 comparison the speed-up target is judged on: spinning off when measured, else the first.</summary>
    public LatencyComparison? Batch1 =>
        Latency.FirstOrDefault(l => l.BatchSize == 1 && !l.Spinning) ?? Latency.FirstOrDefault(l => l.BatchSize == 1);

    /// <summary>The targets of issue 3 with the measured figures.</summary>
    public IReadOnlyList<TargetCheck> Targets
    {
        get
        {
            var batch1 = Batch1;
            var speedup = batch1?.Speedup ?? double.NaN;
            var spinning = batch1 is { Spinning: true } ? "spinning on" : "allow_spinning=0";
            var floorMb = Sizes.Int8FloorBytes / SizeBreakdown.BytesPerMegabyte;
            return
            [
                new TargetCheck(
                    "int8-speedup-batch1",
                    Invariant($"int8 ≥ {SpeedupTarget}× float at batch 1"),
                    batch1 is null ? "not measured (no batch 1)" : Invariant($"{speedup:0.00}× ({batch1.FloatTiming.Median:0.00} → {batch1.QuantizedTiming.Median:0.00} ms/img, {Threads} threads, {spinning})"),
                    speedup >= SpeedupTarget),
                new TargetCheck(
                    "feature-cosine-mean",
                    Invariant($"mean cosine int8 vs float ≥ {CosineTarget}"),
                    Invariant($"{Agreement.MeanCosine:0.0000} (min {Agreement.MinCosine:0.0000}, {Agreement.Images} test images)"),
                    Agreement.MeanCosine >= CosineTarget),
                new TargetCheck(
                    "head-accuracy-int8-vs-float",
                    Invariant($"int8-feature head accuracy within {AccuracyPointsTarget} point of float"),
                    Invariant($"{Heads.QuantizedAccuracy:P2} vs {Heads.FloatAccuracy:P2} ({Heads.DifferencePoints:+0.00;-0.00;0.00} points, {Heads.TestSamples} test images)"),
                    Heads.DifferencePoints >= -AccuracyPointsTarget,
                    Invariant($"one test image is {100.0 / Math.Max(1, Heads.TestSamples):0.00} points")),
                new TargetCheck(
                    "int8-file-size",
                    Invariant($"int8 file ≤ {Int8SizeTargetBytes / SizeBreakdown.BytesPerMegabyte:0.0} MB"),
                    Invariant($"{Sizes.Int8FileBytes / SizeBreakdown.BytesPerMegabyte:0.00} MB"),
                    Sizes.Int8FileBytes <= Int8SizeTargetBytes,
                    Sizes.Int8FloorBytes > Int8SizeTargetBytes
                        ? Invariant($"unreachable at 8 bits for this model: {Sizes.FloatWeightCount / 1e6:0.00} M weights × 1 byte = {floorMb:0.00} MB; needs a smaller model or < 8 bits per weight")
                        : string.Empty),
            ];
        }
    }

    /// <summary>Writes the report for people: machine, setup, latency table, quality, sizes, targets.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {FormatLoad(Machine.LoadAverage)} at start, {FormatLoad(LoadAverageAtEnd)} at end (1-minute average; >{Machine.LogicalCores / 2.0:0.0} means other work shared the cores)"));
        output.WriteLine(Invariant($"model      {Model}"));
        output.WriteLine(Invariant($"data       {Data}: {TrainImages} train / {TestImages} test images, classes {string.Join(",", Classes)}{(SkippedImages > 0 ? Invariant($", {SkippedImages} skipped") : string.Empty)}"));
        output.WriteLine(Invariant($"int8       U8S8 QDQ, calibrated on {CalibrationImages} train images ({CalibrationMethod}); ORT runs {Graph.IntegerConvolutions} integer / {Graph.FloatConvolutions} float convolutions{(Graph.AllConvolutionsInteger ? string.Empty : "  ← NOT fully int8")}; 4-bit weights: {Int4Weights}"));
        output.WriteLine(Invariant($"protocol   {Threads} intra-op threads, {Warmup} warm-up + {Runs} timed runs per cell, float and int8 interleaved{(Runs < BackboneBenchmarkOptionsValidator.ProtocolRuns ? Invariant($"  ← fewer than {BackboneBenchmarkOptionsValidator.ProtocolRuns} runs: not the issue's protocol") : string.Empty)}"));
        output.WriteLine(Invariant($"phases     {string.Join(", ", PhaseSeconds.Select(p => Invariant($"{p.Key} {p.Value:0.0} s")))}"));
        output.WriteLine();

        output.WriteLine("| spinning | batch | float ms/img (median / p90) | int8 ms/img (median / p90) | int8 speed-up |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var l in Latency)
        {
            output.WriteLine(Invariant($"| {(l.Spinning ? "on (ORT default)" : "off")} | {l.BatchSize} | {l.FloatTiming.Median:0.00} / {l.FloatTiming.P90:0.00} | {l.QuantizedTiming.Median:0.00} / {l.QuantizedTiming.P90:0.00} | **{l.Speedup:0.00}×** |"));
        }

        output.WriteLine();
        if (Profiles.Count > 0)
        {
            output.WriteLine("| where the time goes (batch 1, ORT profiler) | op | nodes | kernel ms/img | share |");
            output.WriteLine("|---|---|---:|---:|---:|");
            foreach (var profile in Profiles)
            {
                foreach (var op in profile.Operators.Take(6))
                {
                    output.WriteLine(Invariant($"| {profile.Backbone} ({profile.KernelMillisecondsPerRun:0.00} ms kernels) | {op.OpType} | {op.Nodes} | {op.MillisecondsPerRun:0.000} | {op.Share:P1} |"));
                }
            }

            output.WriteLine();
        }

        output.WriteLine("| quality | float | int8 |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine(Invariant($"| feature cosine to float, {Agreement.Images} test images (mean / min) | 1 | {Agreement.MeanCosine:0.0000} / {Agreement.MinCosine:0.0000} |"));
        output.WriteLine(Invariant($"| linear head test accuracy ({Heads.TrainSamples} train, {Heads.TestSamples} test, {Heads.Epochs} epochs AdamW) | {Heads.FloatAccuracy:P2} | {Heads.QuantizedAccuracy:P2} |"));
        output.WriteLine(Invariant($"| head final training loss | {Heads.FloatFinalLoss:0.0000} | {Heads.Int8FinalLoss:0.0000} |"));
        output.WriteLine(Invariant($"| file size | {Mb(Sizes.FloatFileBytes)} | {Mb(Sizes.Int8FileBytes)} ({(double)Sizes.FloatFileBytes / Sizes.Int8FileBytes:0.00}× smaller) |"));
        output.WriteLine();

        output.WriteLine(Invariant($"int8 file: {string.Join(", ", Sizes.Int8BytesByDataType.OrderByDescending(kv => kv.Value).Select(kv => Invariant($"{kv.Key} {Mb(kv.Value)}")))}, graph and names {Mb(Sizes.Int8OtherBytes)}; floor at 8 bits = {Sizes.FloatWeightCount / 1e6:0.00} M weights × 1 byte = {Mb(Sizes.Int8FloorBytes)}"));
        output.WriteLine();
        output.WriteLine("| layer (largest first) | op | weight shape | values | bytes | share of file |");
        output.WriteLine("|---|---|---|---:|---:|---:|");
        foreach (var layer in Sizes.TopLayers)
        {
            output.WriteLine(Invariant($"| {layer.Layer} | {layer.OpType} | [{string.Join("×", layer.WeightShape)}] | {layer.Elements:N0} | {Mb(layer.Bytes)} | {(double)layer.Bytes / Sizes.Int8FileBytes:P1} |"));
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 3, Targets);
    }

    /// <summary>The report as one JSON object: machine, setup, figures, targets with met/missed.</summary>
    public string ToJson() => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("benchmark", "backbone");
        writer.WritePropertyName("machine");
        Machine.WriteJson(writer);
        Json.WriteNumber(writer, "loadAverage1mAtEnd", LoadAverageAtEnd);
        writer.WriteString("model", Model);
        writer.WriteString("data", Data);
        writer.WriteStartArray("classes");
        foreach (var c in Classes)
        {
            writer.WriteStringValue(c);
        }

        writer.WriteEndArray();
        writer.WriteNumber("trainImages", TrainImages);
        writer.WriteNumber("testImages", TestImages);
        writer.WriteNumber("skippedImages", SkippedImages);
        writer.WriteNumber("calibrationImages", CalibrationImages);
        writer.WriteString("calibrationMethod", CalibrationMethod);
        writer.WriteString("int4Weights", Int4Weights);
        writer.WriteNumber("threads", Threads);
        writer.WriteNumber("runs", Runs);
        writer.WriteNumber("warmup", Warmup);
        writer.WriteStartObject("phaseSeconds");
        foreach (var (phase, seconds) in PhaseSeconds)
        {
            Json.WriteNumber(writer, phase, seconds);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("latency");
        foreach (var l in Latency)
        {
            l.WriteJson(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("profiles");
        foreach (var profile in Profiles)
        {
            profile.WriteJson(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("featureCosine");
        writer.WriteNumber("images", Agreement.Images);
        Json.WriteNumber(writer, "mean", Agreement.MeanCosine);
        Json.WriteNumber(writer, "min", Agreement.MinCosine);
        writer.WriteEndObject();
        writer.WriteStartObject("headAccuracy");
        writer.WriteNumber("trainSamples", Heads.TrainSamples);
        writer.WriteNumber("testSamples", Heads.TestSamples);
        writer.WriteNumber("epochs", Heads.Epochs);
        Json.WriteNumber(writer, "float", Heads.FloatAccuracy);
        Json.WriteNumber(writer, "int8", Heads.QuantizedAccuracy);
        Json.WriteNumber(writer, "differencePoints", Heads.DifferencePoints);
        Json.WriteNumber(writer, "floatFinalLoss", Heads.FloatFinalLoss);
        Json.WriteNumber(writer, "int8FinalLoss", Heads.Int8FinalLoss);
        writer.WriteEndObject();
        Sizes.WriteJson(writer, "sizes");
        writer.WriteStartObject("optimizedGraph");
        writer.WriteNumber("integerConvolutions", Graph.IntegerConvolutions);
        writer.WriteNumber("floatConvolutions", Graph.FloatConvolutions);
        writer.WriteNumber("dequantizeFeedingConvolutions", Graph.DequantizeFeedingConvolutions);
        writer.WriteBoolean("allConvolutionsInteger", Graph.AllConvolutionsInteger);
        writer.WriteEndObject();
        Json.WriteTargets(writer, Targets);
        writer.WriteEndObject();
    });

    private static string Mb(long bytes) => Invariant($"{bytes / SizeBreakdown.BytesPerMegabyte:0.00} MB");

    private static string FormatLoad(double load) => double.IsNaN(load) ? "unknown" : Invariant($"{load:0.00}");
}
