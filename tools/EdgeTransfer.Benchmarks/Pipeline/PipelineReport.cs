using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Pipeline;

/// <summary>The figures of <see cref="PipelineBenchmark"/>: the machine, per-stage percentiles, and the preprocessing / backbone ratio with its target.</summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="LoadAverageAtEnd">The 1-minute load average when it ended.</param>
/// <param name="BundleId">The bundle whose INT8 backbone and head ran.</param>
/// <param name="Options">What was measured.</param>
/// <param name="MeanJpegBytes">The mean size of the JPEG frames.</param>
/// <param name="Stages">
/// decode, resize+normalise (one fused call), preprocessing (their sum per frame), backbone-int8, head, total; then the
/// baseline of the same run: the first resize and the table normalisation on the same frame, and decode plus that.
/// </param>
public sealed record PipelineReport(
    MachineInfo Machine,
    double LoadAverageAtEnd,
    string BundleId,
    PipelineBenchmarkOptions Options,
    long MeanJpegBytes,
    IReadOnlyList<StageTiming> Stages)
{
    /// <summary>The timing of a stage by name.</summary>
    /// <param name="stage">The stage name.</param>
    public StageTiming Stage(string stage) => Stages.First(s => s.Stage == stage);

    /// <summary>Median preprocessing (decode + resize + normalise, per frame) / median INT8 backbone: the figure the target is about.</summary>
    public double PreprocessingRatio => Stage("preprocessing").P50 / Stage("backbone-int8").P50;

    /// <summary>The same without the decode (raw camera frames: YUYV converted by the source): resize + normalise / backbone.</summary>
    public double RawFrameRatio => Stage("resize+normalise").P50 / Stage("backbone-int8").P50;

    /// <summary>The preprocessing ratio with the first (scalar) resize, from the same frames in the same run.</summary>
    public double BaselinePreprocessingRatio => Stage("baseline preprocessing").P50 / Stage("backbone-int8").P50;

    /// <summary>How many times faster resize + normalise is than the baseline (medians of the same run).</summary>
    public double ResizeSpeedup => Stage("baseline resize+normalise").P50 / Stage("resize+normalise").P50;

    /// <summary>The issue-4 target and whether it was met.</summary>
    public IReadOnlyList<TargetCheck> Targets =>
    [
        new TargetCheck(
            "preprocessing-vs-int8-backbone",
            Invariant($"preprocessing (decode + resize + normalise of a {Options.Width}×{Options.Height} JPEG) ≤ {PipelineBenchmark.TargetRatio:P0} of the int8 backbone time"),
            Invariant($"{PreprocessingRatio:P1} (p50 {Stage("preprocessing").P50:0.00} ms vs {Stage("backbone-int8").P50:0.00} ms)"),
            PreprocessingRatio <= PipelineBenchmark.TargetRatio,
            PreprocessingRatio <= PipelineBenchmark.TargetRatio ? string.Empty : Invariant($"JPEG decode alone is {Stage("decode").P50 / Stage("backbone-int8").P50:P0} of the backbone; raw frames (no decode) are at {RawFrameRatio:P1}")),
    ];

    /// <summary>Writes the figures as Markdown tables, the machine first.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {Load(Machine.LoadAverage)} at start, {Load(LoadAverageAtEnd)} at end (1-minute average)"));
        output.WriteLine(Invariant($"workload   {Options.Frames} frames (+{Options.Warmup} warm-up), {Options.DistinctFrames} distinct synthetic parts, {Options.Width}×{Options.Height} JPEG q{Options.JpegQuality} (mean {MeanJpegBytes / 1024.0:0.0} KiB), bundle {BundleId}"));
        output.WriteLine(Invariant($"backbone   INT8 (QDQ), ORT CPU, intra-op threads {(Options.Threads == 0 ? "one per core" : Options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))}, allow_spinning 0, batch 1"));
        output.WriteLine();
        output.WriteLine("| stage | p50 ms | p95 ms | p99 ms | min ms | max ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in Stages)
        {
            output.WriteLine(Invariant($"| {s.Stage} | {s.P50:0.000} | {s.P95:0.000} | {s.P99:0.000} | {s.Min:0.000} | {s.Max:0.000} |"));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"ratio      preprocessing / int8 backbone (medians) = {PreprocessingRatio:P1}; without decode (raw frames) = {RawFrameRatio:P1}"));
        output.WriteLine(Invariant($"baseline   first resize + table normalise, same frames: preprocessing = {BaselinePreprocessingRatio:P1} of the backbone; resize + normalise now {ResizeSpeedup:0.0}× faster"));
        output.WriteLine();
        TargetCheck.WriteTable(output, 4, Targets);
    }

    /// <summary>The report as one JSON object: machine, workload, stages, ratios, target with met/missed.</summary>
    public string ToJson() => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("benchmark", "pipeline");
        writer.WritePropertyName("machine");
        Machine.WriteJson(writer);
        Json.WriteNumber(writer, "loadAverageAtEnd", LoadAverageAtEnd);
        writer.WriteString("bundleId", BundleId);
        writer.WriteNumber("frames", Options.Frames);
        writer.WriteNumber("warmup", Options.Warmup);
        writer.WriteNumber("width", Options.Width);
        writer.WriteNumber("height", Options.Height);
        writer.WriteNumber("jpegQuality", Options.JpegQuality);
        writer.WriteNumber("meanJpegBytes", MeanJpegBytes);
        writer.WriteNumber("threads", Options.Threads);
        writer.WriteStartArray("stages");
        foreach (var s in Stages)
        {
            s.WriteJson(writer);
        }

        writer.WriteEndArray();
        Json.WriteNumber(writer, "preprocessingRatio", PreprocessingRatio);
        Json.WriteNumber(writer, "rawFrameRatio", RawFrameRatio);
        Json.WriteNumber(writer, "baselinePreprocessingRatio", BaselinePreprocessingRatio);
        Json.WriteNumber(writer, "resizeSpeedup", ResizeSpeedup);
        Json.WriteTargets(writer, Targets);
        writer.WriteEndObject();
    });

    private static string Load(double value) => double.IsNaN(value) ? "unknown" : Invariant($"{value:0.00}");
}
