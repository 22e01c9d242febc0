using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>The issue-10 targets judged on an <see cref="AnomalyBenchmarkReport"/> (means over categories at its largest shot count).</summary>
internal static class AnomalyTargets
{
    public static IReadOnlyList<TargetCheck> Check(AnomalyBenchmarkReport report)
    {
        var targets = new List<TargetCheck>();
        var shots = AnomalyBenchmarkOptions.ShotsLabel(report.TargetShots);
        var intDefault = report.Mean("int8", "default");
        var intFull = report.Mean("int8", "full");
        var floatDefault = report.Mean("float", "default");
        if (intDefault is not null)
        {
            targets.Add(new TargetCheck(
                "image-auroc",
                Invariant($"image AUROC ≥ {AnomalyBenchmarkReport.ImageAurocTarget:0.00} (int8, device default, {shots} good)"),
                Invariant($"{intDefault.ImageAuroc:0.0000}"),
                intDefault.ImageAuroc >= AnomalyBenchmarkReport.ImageAurocTarget));
            targets.Add(new TargetCheck(
                "pixel-auroc",
                Invariant($"pixel AUROC ≥ {AnomalyBenchmarkReport.PixelAurocTarget:0.00} (int8, device default, {shots} good)"),
                Invariant($"{intDefault.PixelAuroc:0.0000}"),
                intDefault.PixelAuroc >= AnomalyBenchmarkReport.PixelAurocTarget));
        }

        if (intDefault is not null && floatDefault is not null)
        {
            var loss = floatDefault.ImageAuroc - intDefault.ImageAuroc;
            targets.Add(new TargetCheck(
                "int8-vs-float",
                "INT8 within 1 point of float (image AUROC, device default)",
                Invariant($"int8 {intDefault.ImageAuroc:0.0000} vs float {floatDefault.ImageAuroc:0.0000} (pixel {intDefault.PixelAuroc:0.0000} vs {floatDefault.PixelAuroc:0.0000})"),
                loss <= AnomalyBenchmarkReport.AurocTolerance));
        }

        if (intDefault is not null && intFull is not null)
        {
            var loss = intFull.ImageAuroc - intDefault.ImageAuroc;
            targets.Add(new TargetCheck(
                "default-vs-full-bank",
                "device default within 1 AUROC point of the exact full bank (int8)",
                Invariant($"default {intDefault.ImageAuroc:0.0000} vs full {intFull.ImageAuroc:0.0000} (pixel {intDefault.PixelAuroc:0.0000} vs {intFull.PixelAuroc:0.0000})"),
                loss <= AnomalyBenchmarkReport.AurocTolerance));
        }

        if (intDefault is not null)
        {
            targets.Add(new TargetCheck(
                "scoring-vs-int8-backbone",
                "device-default scoring no slower than the INT8 backbone per frame (same run)",
                Invariant($"scoring {intDefault.DeviceScoringMs:0.0} ms vs backbone {intDefault.BackboneMs:0.0} ms ({intDefault.DeviceScoringMs / intDefault.BackboneMs:0.00}×; {(double.IsFinite(intDefault.OrtScoringMs) ? "ONNX graph" : "managed")})"),
                intDefault.DeviceScoringMs <= intDefault.BackboneMs));
        }

        if (report.FitTiming is { } fit)
        {
            targets.Add(new TargetCheck(
                "fit-seconds",
                Invariant($"fit from {fit.Parts} good parts < {AnomalyBenchmarkReport.FitSecondsTarget:0} s"),
                Invariant($"{fit.TotalSeconds:0.00} s (embed {fit.EmbedSeconds:0.00}, coreset {fit.CoresetSeconds:0.00}, threshold {fit.CalibrationSeconds:0.00})"),
                fit.TotalSeconds < AnomalyBenchmarkReport.FitSecondsTarget,
                fit.Parts == 100 ? string.Empty : "the issue's target is for 100 parts"));
        }

        var defaults = report.Runs.Where(r => r.Bank == "default").ToArray();
        if (defaults.Length > 0)
        {
            var largest = defaults.Max(r => r.BankBytes);
            targets.Add(new TargetCheck(
                "bank-bytes",
                "bank ≤ 16 MiB (device default, largest of the run)",
                AnomalyBenchmarkReport.Mib(largest),
                largest <= AnomalyBenchmarkReport.BankBytesTarget));
        }

        return targets;
    }
}
