using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>Mean ± standard deviation of one method, backbone and k over the seeds.</summary>
/// <param name="Method">The method.</param>
/// <param name="Backbone">The backbone.</param>
/// <param name="Shots">k.</param>
/// <param name="Mean">Mean test accuracy.</param>
/// <param name="Std">Standard deviation of the test accuracy over the seeds.</param>
/// <param name="Seconds">Mean training seconds.</param>
/// <param name="MaxSeconds">The slowest training.</param>
/// <param name="Detail">The most frequent choice (recipe, C) or reason.</param>
/// <param name="Seeds">Draws.</param>
public sealed record HeadsSummary(string Method, string Backbone, int Shots, double Mean, double Std, double Seconds, double MaxSeconds, string Detail, int Seeds);

/// <summary>The figures of <see cref="HeadsBenchmark"/>: the machine, every run, the summaries and the issue-13 targets.</summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="LoadAverageAtEnd">The 1-minute load average at the end.</param>
/// <param name="BundleId">The bundle.</param>
/// <param name="BundlePrepared">True when the run prepared the bundle.</param>
/// <param name="Classes">The classes.</param>
/// <param name="Runs">Every run.</param>
/// <param name="Notes">What was skipped or could not be measured.</param>
public sealed record HeadsBenchmarkReport(MachineInfo Machine, double LoadAverageAtEnd, string BundleId, bool BundlePrepared, IReadOnlyList<string> Classes, IReadOnlyList<HeadsRun> Runs, IReadOnlyList<string> Notes)
{
    /// <summary>The seconds allowed for training and recipe selection at 100 parts per class, 10 classes.</summary>
    public const double SecondsTarget = 2;

    /// <summary>Every (method, backbone, k), in run order.</summary>
    public IReadOnlyList<HeadsSummary> Summaries =>
    [
        .. Runs.GroupBy(r => (r.Method, r.Backbone, r.Shots)).Select(g =>
        {
            var accuracies = g.Select(r => r.Accuracy).ToList();
            var mean = accuracies.Average();
            var std = accuracies.Count > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1)) : 0;
            var detail = g.GroupBy(r => r.Detail).OrderByDescending(d => d.Count()).First();
            var label = g.Count() > 1 && detail.Count() < g.Count() ? Invariant($"{detail.Key} ({detail.Count()}/{g.Count()})") : detail.Key;
            return new HeadsSummary(g.Key.Method, g.Key.Backbone, g.Key.Shots, mean, std, g.Average(r => r.Seconds), g.Max(r => r.Seconds), label, g.Count());
        }),
    ];

    /// <summary>The issue-13 targets this run can judge.</summary>
    public IReadOnlyList<TargetCheck> Targets
    {
        get
        {
            var summaries = Summaries;
            var targets = new List<TargetCheck>();
            foreach (var k in summaries.Select(s => s.Shots).Distinct().Order())
            {
                var recipe = summaries.FirstOrDefault(s => s.Method == "recipe" && s.Backbone == "int8" && s.Shots == k);
                var baseline = summaries.FirstOrDefault(s => s.Method == "lr-cv" && s.Backbone == "float" && s.Shots == k);
                if (recipe is null || baseline is null)
                {
                    continue;
                }

                var margin = k is 1 or 5 ? 0.01 : 0;
                var gap = recipe.Mean - baseline.Mean;
                targets.Add(new TargetCheck(
                    Invariant($"recipe-int8-vs-lrcv-float-k{k}"),
                    Invariant($"k={k}: device recipe on INT8 ≥ LR-CV on float{(margin > 0 ? " + 1 point" : string.Empty)}"),
                    Invariant($"{recipe.Mean:P2} vs {baseline.Mean:P2} ({gap * 100:+0.00;-0.00} points)"),
                    gap >= margin - 1e-12));
            }

            var timed = summaries.FirstOrDefault(s => s.Method == "recipe" && s.Backbone == "int8" && s.Shots == 100);
            if (timed is not null && Classes.Count == 10)
            {
                targets.Add(new TargetCheck(
                    "recipe-seconds-100x10",
                    Invariant($"training + recipe selection, 100/class × 10 classes < {SecondsTarget} s"),
                    Invariant($"mean {timed.Seconds:0.00} s, slowest {timed.MaxSeconds:0.00} s"),
                    timed.MaxSeconds < SecondsTarget));
            }

            return targets;
        }
    }

    /// <summary>Writes the figures as Markdown tables, the machine first.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {Machine.LoadAverage:0.00} at start, {LoadAverageAtEnd:0.00} at end (1-minute average)"));
        output.WriteLine(Invariant($"workload   {Classes.Count} classes; bundle {BundleId}{(BundlePrepared ? " (prepared by this run, INT8 calibrated on synthetic parts)" : string.Empty)}; test accuracy, mean ± std over seeds"));
        output.WriteLine();
        output.WriteLine("| method | backbone | k | accuracy | train s (mean / max) | chosen |");
        output.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var s in Summaries.OrderBy(s => s.Shots).ThenBy(s => s.Backbone).ThenBy(s => s.Method, StringComparer.Ordinal))
        {
            output.WriteLine(Invariant($"| {s.Method} | {s.Backbone} | {s.Shots} | {s.Mean * 100:0.00} ± {s.Std * 100:0.00} % | {s.Seconds:0.000} / {s.MaxSeconds:0.000} | {s.Detail} |"));
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 13, Targets);
        foreach (var note in Notes)
        {
            output.WriteLine($"note: {note}");
        }
    }

    /// <summary>The figures as one JSON object.</summary>
    public string ToJson() => Json.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WritePropertyName("machine");
        Machine.WriteJson(writer);
        Json.WriteNumber(writer, "loadAverageAtEnd", LoadAverageAtEnd);
        writer.WriteString("bundleId", BundleId);
        writer.WriteBoolean("bundlePrepared", BundlePrepared);
        writer.WriteStartArray("classes");
        foreach (var c in Classes)
        {
            writer.WriteStringValue(c);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("summaries");
        foreach (var s in Summaries)
        {
            writer.WriteStartObject();
            writer.WriteString("method", s.Method);
            writer.WriteString("backbone", s.Backbone);
            writer.WriteNumber("shots", s.Shots);
            writer.WriteNumber("seeds", s.Seeds);
            Json.WriteNumber(writer, "accuracy", s.Mean);
            Json.WriteNumber(writer, "accuracyStd", s.Std);
            Json.WriteNumber(writer, "seconds", s.Seconds);
            Json.WriteNumber(writer, "maxSeconds", s.MaxSeconds);
            writer.WriteString("chosen", s.Detail);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("runs");
        foreach (var r in Runs)
        {
            writer.WriteStartObject();
            writer.WriteString("method", r.Method);
            writer.WriteString("backbone", r.Backbone);
            writer.WriteNumber("shots", r.Shots);
            writer.WriteNumber("seed", r.Seed);
            Json.WriteNumber(writer, "accuracy", r.Accuracy);
            Json.WriteNumber(writer, "seconds", r.Seconds);
            writer.WriteString("chosen", r.Detail);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        Json.WriteTargets(writer, Targets);
        writer.WriteStartArray("notes");
        foreach (var n in Notes)
        {
            writer.WriteStringValue(n);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
