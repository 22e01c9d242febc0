using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>The figures of <see cref="AnomalyBenchmark"/>: the machine, every run, the means over categories, the fit timing and the issue-10 targets.</summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="LoadAverageAtEnd">The 1-minute load average when it ended.</param>
/// <param name="BundleId">The bundle whose backbones ran.</param>
/// <param name="BundlePrepared">True when the bundle was prepared by the run (no <c>--bundle</c>).</param>
/// <param name="Threads">Threads of the backbone and of the nearest-neighbour search.</param>
/// <param name="Configurations">The bank configurations compared.</param>
/// <param name="Runs">One per backbone, bank, category and shot count.</param>
/// <param name="FitTiming">The device-default fit from the target's number of good parts; null when skipped.</param>
/// <param name="Notes">What was skipped or could not be measured, and why.</param>
public sealed record AnomalyBenchmarkReport(
    MachineInfo Machine,
    double LoadAverageAtEnd,
    string BundleId,
    bool BundlePrepared,
    int Threads,
    IReadOnlyList<BankConfiguration> Configurations,
    IReadOnlyList<AnomalyRunResult> Runs,
    FitTiming? FitTiming,
    IReadOnlyList<string> Notes)
{
    /// <summary>The issue-10 image AUROC target.</summary>
    public const double ImageAurocTarget = 0.98;

    /// <summary>The issue-10 pixel AUROC target.</summary>
    public const double PixelAurocTarget = 0.95;

    /// <summary>The largest AUROC loss (1 point) allowed for INT8 against float and for the default bank against the full one.</summary>
    public const double AurocTolerance = 0.01;

    /// <summary>The fit-time target in seconds.</summary>
    public const double FitSecondsTarget = 5;

    /// <summary>The bank size target in bytes.</summary>
    public const long BankBytesTarget = 16L << 20;

    /// <summary>The mean over categories of each backbone, bank and shot count, in the order of <see cref="Runs"/>.</summary>
    public IReadOnlyList<AnomalyRunResult> Means =>
    [
        .. Runs.GroupBy(r => (r.Backbone, r.Bank, r.Shots)).Select(g => AnomalyRunResult.Mean([.. g])),
    ];

    /// <summary>The largest shot count measured: the one the targets are judged on (all good images by default).</summary>
    public int TargetShots => Runs.Count == 0 ? 0 : Runs.Max(r => r.Shots);

    /// <summary>The mean of one backbone and bank at <see cref="TargetShots"/>, or null when not measured.</summary>
    /// <param name="backbone"><c>int8</c> or <c>float</c>.</param>
    /// <param name="bank"><c>default</c> or <c>full</c>.</param>
    public AnomalyRunResult? Mean(string backbone, string bank) => Means.FirstOrDefault(m => m.Backbone == backbone && m.Bank == bank && m.Shots == TargetShots);

    /// <summary>The issue-10 targets this run can judge, with the figures.</summary>
    public IReadOnlyList<TargetCheck> Targets => AnomalyTargets.Check(this);

    /// <summary>Writes the figures as Markdown tables, the machine first.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {Load(Machine.LoadAverage)} at start, {Load(LoadAverageAtEnd)} at end (1-minute average)"));
        output.WriteLine(Invariant($"workload   {string.Join(", ", Runs.Select(r => r.Category).Distinct())}; bundle {BundleId}{(BundlePrepared ? " (prepared by this run, INT8 calibrated on synthetic parts)" : string.Empty)}; batch 1; {Threads} thread(s) for the backbone and the search"));
        foreach (var c in Configurations)
        {
            output.WriteLine(Invariant($"bank       {c.Name}: {c.Description}"));
        }

        output.WriteLine();
        output.WriteLine("| backbone | bank | good (in bank) | category | image AUROC | pixel AUROC | F1 | false rejects | fit s | scoring ms | backbone ms | bank |");
        output.WriteLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var multiple = Runs.Select(r => r.Category).Distinct().Count() > 1;
        foreach (var group in Runs.GroupBy(r => (r.Backbone, r.Bank, r.Shots)))
        {
            foreach (var r in group)
            {
                WriteRow(output, r);
            }

            if (multiple)
            {
                WriteRow(output, AnomalyRunResult.Mean([.. group]));
            }
        }

        output.WriteLine();
        WriteComparisons(output);
        if (FitTiming is { } fit)
        {
            output.WriteLine(Invariant($"fit        device default from {fit.Parts} good parts ({fit.DistinctImages} distinct images repeated, each round scaled by 3 % so none is a copy; the cost depends on the patch count): {fit.TotalSeconds:0.00} s = embed {fit.EmbedSeconds:0.00} + coreset {fit.CoresetSeconds:0.00} + threshold {fit.CalibrationSeconds:0.00}; bank {Mib(fit.BankBytes)}"));
        }

        foreach (var note in Notes)
        {
            output.WriteLine($"note       {note}");
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 10, Targets);
    }

    /// <summary>The report as one JSON object: machine, runs, means, fit timing, notes, targets with met/missed.</summary>
    public string ToJson() => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("benchmark", "anomaly");
        writer.WritePropertyName("machine");
        Machine.WriteJson(writer);
        Json.WriteNumber(writer, "loadAverageAtEnd", LoadAverageAtEnd);
        writer.WriteString("bundleId", BundleId);
        writer.WriteBoolean("bundlePrepared", BundlePrepared);
        writer.WriteNumber("threads", Threads);
        writer.WriteStartArray("banks");
        foreach (var c in Configurations)
        {
            writer.WriteStartObject();
            writer.WriteString("name", c.Name);
            writer.WriteString("description", c.Description);
            writer.WriteNumber("projectionDimensions", c.Options.ProjectionDimensions);
            Json.WriteNumber(writer, "coresetRatio", c.Options.CoresetRatio);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("runs");
        foreach (var r in Runs)
        {
            r.WriteJson(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("means");
        foreach (var m in Means)
        {
            m.WriteJson(writer);
        }

        writer.WriteEndArray();
        if (FitTiming is { } fit)
        {
            fit.WriteJson(writer, "fitTiming");
        }

        writer.WriteStartArray("notes");
        foreach (var note in Notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        Json.WriteTargets(writer, Targets);
        writer.WriteEndObject();
    });

    internal static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:0.00} MiB");

    private static string Load(double value) => double.IsNaN(value) ? "unknown" : Invariant($"{value:0.00}");

    private static string Figure(double value, string format) => double.IsFinite(value) ? value.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    private static void WriteRow(TextWriter output, AnomalyRunResult r) =>
        output.WriteLine(Invariant(
            $"| {r.Backbone} | {r.Bank} | {AnomalyBenchmarkOptions.ShotsLabel(r.Shots)} ({r.BankImages}) | {(r.Category == "mean" ? "**mean**" : r.Category)} | {Figure(r.ImageAuroc, "0.0000")} | {Figure(r.PixelAuroc, "0.0000")} | {Figure(r.F1, "0.000")} | {Figure(r.FalseRejectRate, "P1")} | {r.FitSeconds:0.00} | {r.ScoringMs:0.0} | {r.BackboneMs:0.0} | {Mib(r.BankBytes)} |"));

    // The price of each shortcut in one line per shot count: what the default bank loses against the full one,
    // and INT8 against float, in AUROC points and in time.
    private void WriteComparisons(TextWriter output)
    {
        foreach (var shots in Runs.Select(r => r.Shots).Distinct())
        {
            var means = Means.Where(m => m.Shots == shots).ToArray();
            var label = AnomalyBenchmarkOptions.ShotsLabel(shots);
            var intDefault = means.FirstOrDefault(m => m.Backbone == "int8" && m.Bank == "default");
            var intFull = means.FirstOrDefault(m => m.Backbone == "int8" && m.Bank == "full");
            var floatDefault = means.FirstOrDefault(m => m.Backbone == "float" && m.Bank == "default");
            if (intDefault is not null && intFull is not null)
            {
                output.WriteLine(Invariant(
                    $"shortcut   {label} good, int8: default vs full bank: image AUROC {Points(intDefault.ImageAuroc - intFull.ImageAuroc)}, pixel AUROC {Points(intDefault.PixelAuroc - intFull.PixelAuroc)}, scoring {intFull.ScoringMs / intDefault.ScoringMs:0.0}× faster, bank {intFull.BankBytes / (double)intDefault.BankBytes:0.0}× smaller"));
            }

            if (intDefault is not null && floatDefault is not null)
            {
                output.WriteLine(Invariant(
                    $"shortcut   {label} good, default bank: int8 vs float backbone: image AUROC {Points(intDefault.ImageAuroc - floatDefault.ImageAuroc)}, pixel AUROC {Points(intDefault.PixelAuroc - floatDefault.PixelAuroc)}, backbone {floatDefault.BackboneMs / intDefault.BackboneMs:0.00}× faster"));
            }

            foreach (var kinds in Runs.Where(r => r.Shots == shots && r.Backbone == "int8" && r.ImageAurocByDefectKind.Count > 0))
            {
                output.WriteLine(Invariant(
                    $"kinds      {label} good, int8 {kinds.Bank}, {kinds.Category}: image AUROC by defect kind: {string.Join(", ", kinds.ImageAurocByDefectKind.Select(k => Invariant($"{k.Key} {k.Value:0.000}")))}"));
            }

            if (intDefault is not null)
            {
                output.WriteLine(Invariant(
                    $"ratio      {label} good, int8 default: scoring / backbone per frame = {intDefault.ScoringMs / intDefault.BackboneMs:0.00} managed ({intDefault.ScoringMs:0.0} ms = embed {intDefault.EmbedMs:0.0} + search {intDefault.SearchMs:0.0}), {intDefault.OrtScoringMs / intDefault.BackboneMs:0.00} ONNX graph ({intDefault.OrtScoringMs:0.0} ms; largest distance difference {intDefault.OrtMaxDifference:0.0e+0}), vs backbone {intDefault.BackboneMs:0.0} ms"));
            }
        }
    }

    private static string Points(double delta) => double.IsFinite(delta) ? Invariant($"{delta * 100:+0.00;-0.00;0.00} points") : "n/a";
}
