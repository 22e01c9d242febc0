using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>Everything <c>edgetransfer bench train</c> measured in one run, with the target of issue 4.</summary>
public sealed class TrainReport
{
    /// <summary>Issue 4: 1,000 features × 30 epochs, linear head, batch 32, in under this many seconds on 2 cores.</summary>
    public const double TrainSecondsTarget = 0.5;

    /// <summary>The machine, as read at the start.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The 1-minute load average at the end (NaN where unknown).</summary>
    public required double LoadAverageAtEnd { get; init; }

    /// <summary>Feature vectors trained on.</summary>
    public required int Samples { get; init; }

    /// <summary>Epochs per run.</summary>
    public required int Epochs { get; init; }

    /// <summary>Samples per step.</summary>
    public required int BatchSize { get; init; }

    /// <summary>The head (<c>linear</c>, <c>mlp:128</c> …).</summary>
    public required string Head { get; init; }

    /// <summary>C.</summary>
    public required int Classes { get; init; }

    /// <summary>D.</summary>
    public required int FeatureSize { get; init; }

    /// <summary>Runs per configuration.</summary>
    public required int Repeats { get; init; }

    /// <summary>The ORT configurations, the one the target is judged on first, then the baseline (when there is one).</summary>
    public required IReadOnlyList<TrainConfiguration> Configurations { get; init; }

    /// <summary>The largest difference between ORT's and the baseline's epoch losses (NaN without a baseline): both must train the same head.</summary>
    public required double MaxLossDifference { get; init; }

    /// <summary>The configuration the target is judged on (<c>--threads</c>, spinning off).</summary>
    public TrainConfiguration Primary => Configurations[0];

    /// <summary>The plain C# loop, when the head has one (linear).</summary>
    public TrainConfiguration? Baseline => Configurations.FirstOrDefault(c => c.IsBaseline);

    /// <summary>How many times faster ORT (primary) trains than the plain C# loop: the ratio of the median times.</summary>
    public double SpeedupOverBaseline => Baseline is { } b && Primary.TrainSeconds.Median > 0 ? b.TrainSeconds.Median / Primary.TrainSeconds.Median : double.NaN;

    /// <summary>Whether the run is the workload issue 4 names (1,000 × 30 epochs, linear, batch 32).</summary>
    public bool IsIssueWorkload => Samples == 1000 && Epochs == 30 && BatchSize == 32 && Head == "linear";

    /// <summary>The target of issue 4 with the measured figure.</summary>
    public IReadOnlyList<TargetCheck> Targets =>
    [
        new TargetCheck(
            "train-1000x30-linear-batch32",
            Invariant($"1,000 features × 30 epochs, linear head, batch 32 in < {TrainSecondsTarget} s on 2 cores"),
            Invariant($"{Primary.TrainSeconds.Median:0.000} s median of {Primary.TrainSeconds.Count} ({Primary.Name}; {Primary.StepsPerSecond:N0} steps/s, {Primary.MicrosecondsPerStep:0.0} µs/step; session setup {Primary.SetupSeconds.Median * 1000:0.0} ms more)"),
            Primary.TrainSeconds.Median < TrainSecondsTarget,
            IsIssueWorkload ? string.Empty : Invariant($"this run used {Samples} × {Epochs} epochs, {Head}, batch {BatchSize}: not the issue's workload")),
    ];

    /// <summary>Writes the report for people: machine, workload, a table of configurations, the target.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {Load(Machine.LoadAverage)} at start, {Load(LoadAverageAtEnd)} at end (1-minute average)"));
        output.WriteLine(Invariant($"workload   {Samples} cached {FeatureSize}-d features (synthetic, seeded), {Classes} classes, {Head} head, AdamW, batch {BatchSize}, {Epochs} epochs = {Primary.Steps} steps per run"));
        output.WriteLine(Invariant($"protocol   every configuration run {Repeats}× interleaved, median reported; session setup timed apart from training{(Repeats < TrainBenchmarkOptionsValidator.ProtocolRepeats ? Invariant($"  ← fewer than {TrainBenchmarkOptionsValidator.ProtocolRepeats} repeats") : string.Empty)}"));
        output.WriteLine(Baseline is null
            ? "check      no plain C# baseline for this head (linear only)"
            : Invariant($"check      ORT and the plain C# loop train the same head: largest epoch-loss difference {MaxLossDifference:0.0e0}, final loss {Primary.FinalLoss:0.0000}"));
        output.WriteLine();
        output.WriteLine("| configuration | train s (median / p90) | steps/s | µs/step | setup ms | vs plain C# |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in Configurations)
        {
            var ratio = Baseline is { } b && c.TrainSeconds.Median > 0 ? Invariant($"{b.TrainSeconds.Median / c.TrainSeconds.Median:0.00}×") : "–";
            output.WriteLine(Invariant($"| {c.Name} | {c.TrainSeconds.Median:0.000} / {c.TrainSeconds.P90:0.000} | {c.StepsPerSecond:N0} | {c.MicrosecondsPerStep:0.0} | {c.SetupSeconds.Median * 1000:0.0} | {ratio} |"));
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 4, Targets);
    }

    /// <summary>The report as one JSON object: machine, workload, configurations, ratio, target with met/missed.</summary>
    public string ToJson() => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("benchmark", "train");
        writer.WritePropertyName("machine");
        Machine.WriteJson(writer);
        Json.WriteNumber(writer, "loadAverage1mAtEnd", LoadAverageAtEnd);
        writer.WriteNumber("samples", Samples);
        writer.WriteNumber("epochs", Epochs);
        writer.WriteNumber("batchSize", BatchSize);
        writer.WriteString("head", Head);
        writer.WriteNumber("classes", Classes);
        writer.WriteNumber("featureSize", FeatureSize);
        writer.WriteNumber("repeats", Repeats);
        writer.WriteStartArray("configurations");
        foreach (var c in Configurations)
        {
            c.WriteJson(writer);
        }

        writer.WriteEndArray();
        Json.WriteNumber(writer, "speedupOverPlainCSharp", SpeedupOverBaseline);
        Json.WriteNumber(writer, "maxEpochLossDifference", MaxLossDifference);
        Json.WriteTargets(writer, Targets);
        writer.WriteEndObject();
    });

    private static string Load(double load) => double.IsNaN(load) ? "unknown" : Invariant($"{load:0.00}");
}
