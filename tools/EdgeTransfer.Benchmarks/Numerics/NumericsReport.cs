using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Numerics;

/// <summary>The figures of <see cref="NumericsBenchmark"/>: per feature source, cosine to host float and host INT8, and head accuracy.</summary>
/// <param name="Machine">The host that computed the reference features.</param>
/// <param name="BundleId">The bundle whose backbones ran.</param>
/// <param name="ActivationType">The INT8 flavour of its backbone (<c>uint8</c>: U8S8, <c>int8</c>: S8S8).</param>
/// <param name="TrainImages">Images the heads learned from.</param>
/// <param name="TestImages">Images the cosines and accuracies are measured on.</param>
/// <param name="Options">What was compared.</param>
/// <param name="Sources">Host float, host INT8, then every store.</param>
public sealed record NumericsReport(
    MachineInfo Machine,
    string BundleId,
    string? ActivationType,
    int TrainImages,
    int TestImages,
    NumericsBenchmarkOptions Options,
    IReadOnlyList<FeatureSourceResult> Sources)
{
    /// <summary>The lowest mean cosine to float any device store may have (issue 14).</summary>
    public const double CosineTarget = 0.99;

    /// <summary>The most a device store's head may fall behind the host INT8 head, in points (issue 14).</summary>
    public const double AccuracyPointsTarget = 1.0;

    /// <summary>One target per store: mean cosine to float, and head accuracy against the host INT8 head.</summary>
    public IReadOnlyList<TargetCheck> Targets
    {
        get
        {
            var hostInt8 = Sources[1];
            var checks = new List<TargetCheck>();
            foreach (var s in Sources.Skip(2))
            {
                var points = (s.HeadAccuracy - hostInt8.HeadAccuracy) * 100;
                checks.Add(new TargetCheck($"{s.Name} cosine", Invariant($"{s.Name}: mean cosine to float ≥ {CosineTarget}"), Invariant($"{s.ToFloat.Mean:0.0000} (min {s.ToFloat.Min:0.0000}, {TestImages} test images)"), s.ToFloat.Mean >= CosineTarget));
                checks.Add(new TargetCheck($"{s.Name} accuracy", Invariant($"{s.Name}: head accuracy within {AccuracyPointsTarget} point of host int8"), Invariant($"{s.HeadAccuracy:P2} vs {hostInt8.HeadAccuracy:P2} ({points:+0.00;-0.00;0.00} points; one test image = {100.0 / TestImages:0.00})"), Math.Abs(points) <= AccuracyPointsTarget));
            }

            return checks;
        }
    }

    /// <summary>Writes the machine, the workload and the tables.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"bundle     {BundleId}, INT8 flavour {(ActivationType == "int8" ? "S8S8" : "U8S8")} (activations {ActivationType ?? "?"})"));
        output.WriteLine(Invariant($"data       {Options.DataDirectory}: {TrainImages} train / {TestImages} test images"));
        output.WriteLine(Invariant($"heads      linear, AdamW lr {Options.HeadLearningRate}, batch 32, {Options.HeadEpochs} epochs, seed {Options.Seed}, trained on each source's train features"));
        output.WriteLine();
        output.WriteLine("| features | cosine to host float (mean / min) | cosine to host int8 (mean / min) | head test accuracy | head final loss |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var s in Sources)
        {
            output.WriteLine(Invariant($"| {s.Name} | {s.ToFloat.Mean:0.0000} / {s.ToFloat.Min:0.0000} | {s.ToHostInt8.Mean:0.00000} / {s.ToHostInt8.Min:0.00000} | {s.HeadAccuracy:P2} | {s.HeadFinalLoss:0.0000} |"));
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 14, Targets);
    }
}
