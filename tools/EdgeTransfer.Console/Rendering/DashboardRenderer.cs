using EdgeTransfer.LineConsole.Model;
using Spectre.Console;
using Spectre.Console.Rendering;
using static System.FormattableString;

namespace EdgeTransfer.LineConsole.Rendering;

/// <summary>
/// Turns a <see cref="DashboardSnapshot"/> into Spectre.Console widgets: header, preview, inspection stream,
/// classes, training, confusion matrix, replies, errors and the key line. Everything that came from the
/// wire is escaped (markup) and was made display-safe by the model (no control characters).
/// </summary>
public static class DashboardRenderer
{
    /// <summary>The preview's width in columns (a 48 × 48 frame takes 48 columns and 24 lines).</summary>
    public const int PreviewColumns = 48;

    private const int SparkWidth = 24;

    /// <summary>Builds the whole dashboard.</summary>
    /// <param name="snapshot">The state to show.</param>
    public static IRenderable Render(DashboardSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var middle = new Grid().AddColumn().AddColumn();
        middle.AddRow(
            new Rows(Inspection(snapshot), Training(snapshot)),
            new Rows(Classes(snapshot), Confusion(snapshot)));
        var body = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        body.AddRow(Preview(snapshot), middle);
        var bottom = new Grid().AddColumn().AddColumn();
        bottom.AddRow(Replies(snapshot), Problems(snapshot));
        var parts = new List<IRenderable> { Header(snapshot), body, bottom, Keys(snapshot) };
        if (snapshot.ShowHelp)
        {
            parts.Add(Help());
        }

        return new Rows(parts);
    }

    /// <summary>The header: broker, device, versions, inspection state.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Header(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lines = new List<string>();
        var broker = s.BrokerConnected
            ? $"broker {E(s.Broker)} [green]connected[/]"
            : $"[red bold]broker {E(s.Broker)} unreachable[/]: {E(s.BrokerProblem ?? "connecting…")} [grey](retrying)[/]";
        var device = s.Device switch
        {
            null => $"[yellow]waiting for a device of fleet {E(s.Fleet)}[/] (start one, or pass --device)",
            { Online: true } d => $"device [bold]{E(d.Id)}[/] [green bold]ONLINE[/]{Since(s, d.StateSince)}",
            { Online: false } d => $"device [bold]{E(d.Id)}[/] [red bold]OFFLINE[/]{Since(s, d.StateSince)} ({E(OfflineText(d.OfflineReason))})",
            { } d => $"device [bold]{E(d.Id)}[/] [yellow]no status yet[/] (the broker holds none: the device never connected?)",
        };
        lines.Add($"{broker} │ fleet {E(s.Fleet)} │ {device}{(s.OtherDevices > 0 ? Invariant($" │ [grey]{s.OtherDevices} other device(s)[/]") : "")}");
        if (s.Device is { } dv)
        {
            lines.Add($"bundle [bold]{E(dv.Bundle ?? "—")}[/] │ head [bold]{(dv.Head is { } h ? Invariant($"v{h}") : "—")}[/] │ execution provider [bold]{E(dv.ExecutionProvider ?? "—")}[/] │ app {E(dv.App ?? "—")} │ onnxruntime {E(dv.OnnxRuntime ?? "—")}{Heard(s, dv)}");
            var inspection = dv.Paused switch
            {
                true => "[yellow bold]inspection PAUSED[/]",
                false => "inspection [green]running[/]",
                null => "inspection [grey]state unknown[/]",
            };
            var collecting = dv.CollectingLabel is { } label ? $" │ [magenta bold]collecting {E(label)}[/]" : "";
            var telemetry = s.Telemetry is { } t
                ? Invariant($" │ frames {t.Frames:N0} │ rejected {t.Rejected:N0} │ cpu {t.CpuPercent:0}% │ up {Duration(t.UptimeSeconds)}")
                : " │ [grey]no telemetry yet[/]";
            lines.Add(inspection + collecting + telemetry);
        }

        return new Panel(new Markup(string.Join('\n', lines))).Header("[bold] EdgeTransfer console [/]").Expand();
    }

    /// <summary>The last frame as a half-block image, or "no preview".</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Preview(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        IRenderable content;
        string title;
        if (s.Preview is { } frame)
        {
            var age = (s.Now - frame.ReceivedAt).TotalSeconds;
            var anomaly = frame.AnomalyMap is { } map ? Invariant($" · anomaly {map.Score:0.00}{(map.Score > 0.5 ? " ✗" : "")}") : "";
            title = Invariant($"frame {frame.FrameId} · {frame.Width}×{frame.Height}{anomaly}{(age >= 5 ? $" · {age:0} s old" : "")}");
            content = new HalfBlockImage(frame, PreviewColumns);
        }
        else
        {
            title = "no preview";
            content = new Markup($"[grey]{E(s.PreviewNote ?? "no preview")}[/]");
        }

        return new Panel(content) { Width = PreviewColumns + 4 }.Header($" preview: {E(title)} ");
    }

    /// <summary>The inspection stream: the newest events and sparklines of the last minute.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Inspection(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Events.Count == 0)
        {
            return new Panel(new Markup("[grey]no inspection events in the last minute[/]")).Header(" inspection ").Expand();
        }

        var table = new Table().Border(TableBorder.Simple).Expand()
            .AddColumn("frame").AddColumn("verdict").AddColumn(new TableColumn("conf").RightAligned()).AddColumn(new TableColumn("ms").RightAligned());
        foreach (var e in s.Events.Take(6))
        {
            var verdict = e.Rejected ? $"[red bold]{E(e.Verdict)} ✗[/]" : $"[green]{E(e.Verdict)}[/]";
            table.AddRow(new Markup(Invariant($"{e.FrameId}")), new Markup(verdict), new Markup(Invariant($"{e.Confidence * 100:0}%")), new Markup(Invariant($"{e.LatencyMs:0.0}")));
        }

        var points = s.Events.Select(e => (e.ReceivedAt, 1.0));
        var rate = Sparkline.Bucket(points, s.Now, DashboardModel.EventWindow, SparkWidth, v => v.Count).Select(v => double.IsNaN(v) ? 0 : v).ToArray();
        var latency = Sparkline.Bucket(s.Events.Select(e => (e.ReceivedAt, e.LatencyMs)), s.Now, DashboardModel.EventWindow, SparkWidth, v => v.Average());
        var rejected = s.Events.Count(e => e.Rejected);
        var lines = new Markup(
            Invariant($"events  [cyan]{Sparkline.Render(rate, SparkWidth, 0)}[/] {s.Events.Count}/min · [red]{rejected} rejected[/]\n") +
            Invariant($"latency [yellow]{Sparkline.Render(latency, SparkWidth, 0)}[/] ") +
            (s.Telemetry is { LatencyP50: { } p50, LatencyP95: { } p95 } ? Invariant($"p50 {p50:0.0} · p95 {p95:0.0} ms") : Invariant($"mean {s.Events.Average(e => e.LatencyMs):0.0} ms")) +
            AnomalyLine(s));
        return new Panel(new Rows(table, lines)).Header(" inspection (last minute) ").Expand();
    }

    /// <summary>The anomaly score stream (highest per bucket, on a fixed 0–1 scale so 0.5, the threshold, is always mid-height), or nothing.</summary>
    private static string AnomalyLine(DashboardSnapshot s)
    {
        var scored = s.Events.Where(e => e.AnomalyScore is not null).ToList();
        if (scored.Count == 0)
        {
            return "";
        }

        var scores = Sparkline.Bucket(scored.Select(e => (e.ReceivedAt, e.AnomalyScore!.Value)), s.Now, DashboardModel.EventWindow, SparkWidth, v => v.Max());
        var last = scored[0].AnomalyScore!.Value;
        var colour = last > 0.5 ? "red" : "green";
        return Invariant($"\nanomaly [{colour}]{Sparkline.Render(scores, SparkWidth, 0, 1)}[/] {last:0.00} max {scored.Max(e => e.AnomalyScore!.Value):0.00}");
    }

    /// <summary>Classes with their keys, labelled samples and verdict counts.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Classes(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Classes.Count == 0)
        {
            return new Panel(new Markup("[grey]classes not known yet (they come with the status reply)[/]")).Header(" samples ").Expand();
        }

        var table = new Table().Border(TableBorder.Simple).Expand()
            .AddColumn("key").AddColumn("class").AddColumn(new TableColumn("samples").RightAligned()).AddColumn(new TableColumn("verdicts").RightAligned());
        for (var i = 0; i < s.Classes.Count; i++)
        {
            var name = s.Classes[i];
            var selected = name == s.SelectedClass;
            var key = i < 9 ? Invariant($"{i + 1}") : "";
            var samples = s.SampleCounts.TryGetValue(name, out var n) ? Invariant($"{n:N0}") : "—";
            var seen = s.Telemetry?.Verdicts.TryGetValue(name, out var v) == true ? Invariant($"{v:N0}") : "—";
            table.AddRow(
                new Markup(selected ? $"[bold]►{key}[/]" : $" {key}"),
                new Markup(selected ? $"[bold]{E(name)}[/]" : E(name)),
                new Markup(samples),
                new Markup(seen));
        }

        var total = s.SampleCounts.Values.Sum();
        table.Caption(Invariant($"{total:N0} labelled{(s.Telemetry is { } t ? $", store {t.StoreSamples:N0}" : "")}"));
        return new Panel(table).Header(" samples ").Expand();
    }

    /// <summary>Training: progress bar, loss and validation-accuracy curves, and the result.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Training(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Training is not { } t)
        {
            return new Panel(new Markup("[grey]no training run seen yet; press t to train[/]")).Header(" training ").Expand();
        }

        const int barWidth = 30;
        var fraction = t.Result is not null ? 1.0 : t.Epochs > 0 ? Math.Clamp((double)t.Epoch / t.Epochs, 0, 1) : 0;
        var filled = (int)Math.Round(fraction * barWidth);
        var lines = new List<string> { $"run [bold]{E(t.RunId)}[/]" };
        if (t.Epochs > 0)
        {
            // A run refused before its first epoch has no progress to draw; a full bar would say "done".
            lines[0] += Invariant($"  epoch {t.Epoch}/{t.Epochs}");
            lines.Add(Invariant($"[green]{new string('█', filled)}[/][grey]{new string('░', barWidth - filled)}[/] {fraction * 100:0}%"));
        }
        if (t.Losses.Count > 0)
        {
            lines.Add(Invariant($"loss     [yellow]{Sparkline.Render(t.Losses, SparkWidth, 0)}[/] {t.Losses[^1]:0.000}"));
        }

        if (t.Accuracies.Count > 0)
        {
            lines.Add(Invariant($"val acc  [cyan]{Sparkline.Render(t.Accuracies, SparkWidth, 0, 1)}[/] {t.Accuracies[^1] * 100:0.0}%"));
        }

        if (t.Result is { } r)
        {
            var head = r.HeadVersion is { } h ? Invariant($" · head v{h}") : "";
            var details = string.Join(" · ", new[]
            {
                r.Accuracy is { } a ? Invariant($"accuracy {a * 100:0.0}%") : null,
                r.Loss is { } l ? Invariant($"loss {l:0.000}") : null,
                Invariant($"{r.DurationSeconds:0.0} s"),
            }.OfType<string>());
            var outcome = r.Outcome switch
            {
                "promoted" => "[green bold]promoted[/]",
                "rejected" => "[yellow bold]rejected[/] (previous head kept)",
                _ => "[red bold]failed[/] (previous head kept)",
            };
            lines.Add(outcome + head);
            lines.Add(details);
            if (r.Reason is { } why)
            {
                lines.Add(E(why));
            }
        }
        else
        {
            lines.Add("[yellow]running…[/]");
        }

        return new Panel(new Markup(string.Join('\n', lines))).Header(" training ").Expand();
    }

    /// <summary>The confusion matrix of the last validation.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Confusion(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Confusion is not { } c)
        {
            return new Panel(new Markup("[grey]no validation yet[/]")).Header(" confusion (true ↓ / predicted →) ").Expand();
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("");
        foreach (var name in c.Classes)
        {
            table.AddColumn(new TableColumn(E(Short(name))).RightAligned());
        }

        for (var row = 0; row < c.Classes.Count; row++)
        {
            var cells = new List<IRenderable> { new Markup(E(Short(c.Classes[row]))) };
            for (var col = 0; col < c.Classes.Count; col++)
            {
                var n = c.Counts[row][col];
                var text = Invariant($"{n}");
                cells.Add(new Markup(row == col ? $"[green bold]{text}[/]" : n > 0 ? $"[red]{text}[/]" : $"[grey]{text}[/]"));
            }

            table.AddRow(cells);
        }

        return new Panel(table).Header(" confusion (true ↓ / predicted →) ").Expand();
    }

    /// <summary>Commands sent, waiting and answered.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Replies(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lines = new List<string>();
        lines.AddRange(s.Pending.Select(p => $"[yellow]⧗ {E(p)}[/] waiting for the reply…"));
        lines.AddRange(s.Replies.Select(r => r.Ok
            ? $"{Ago(s, r.At)} [green]✓ {E(r.Command)}[/] {E(r.Text)}"
            : $"{Ago(s, r.At)} [red bold]✗ {E(r.Command)}[/] [red]{E(r.Text)}[/]"));
        if (lines.Count == 0)
        {
            lines.Add("[grey]no commands sent yet[/]");
        }

        return new Panel(new Markup(string.Join('\n', lines))).Header(" replies ").Expand();
    }

    /// <summary>Errors and the bad-message counter.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Problems(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lines = new List<string>();
        if (s.BadMessages > 0)
        {
            lines.Add(Invariant($"[red bold]bad messages: {s.BadMessages}[/]") + $" [grey](last: {E(WireShort(s.LastBadMessage ?? ""))})[/]");
        }

        lines.AddRange(s.Problems.Select(p => $"{Ago(s, p.At)} [red]{E(p.Text)}[/]"));
        if (lines.Count == 0)
        {
            lines.Add("[grey]no errors[/]");
        }

        return new Panel(new Markup(string.Join('\n', lines))).Header(" errors ").Expand();
    }

    /// <summary>The key line, with the class keys and the last hint.</summary>
    /// <param name="s">The state.</param>
    public static IRenderable Keys(DashboardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var classes = s.Classes.Count == 0
            ? "[bold]1…9[/] label"
            : string.Join(' ', s.Classes.Take(9).Select((c, i) => Invariant($"[bold]{i + 1}[/]") + " " + E(Short(c))));
        var collect = s.Device?.CollectingLabel is { } label ? $"stop collecting {E(label)}" : s.SelectedClass is { } sc ? $"collect {E(sc)}" : "collect";
        var pause = s.Device?.Paused == true ? "resume" : "pause";
        var line = $"{classes} │ [bold]c[/] {collect} │ [bold]t[/] train │ [bold]r[/] roll back │ [bold]p[/] {pause} │ [bold]?[/] help │ [bold]q[/] quit";
        if (s.Hint is { } hint)
        {
            line += $"\n[yellow]{E(hint)}[/]";
        }

        return new Markup(line);
    }

    /// <summary>What each key does and which protocol command it sends.</summary>
    public static IRenderable Help()
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("key").AddColumn("does").AddColumn("sends");
        table.AddRow("1…9", "label the last frame as class k (and select k for c)", "cmd/label {label}");
        table.AddRow("c", "start collecting the selected class / stop", "cmd/collect {action, label}");
        table.AddRow("t", "train a new head on the stored samples", "cmd/train {}");
        table.AddRow("r", "roll back to the previous head", "cmd/rollback {}");
        table.AddRow("p", "pause / resume inspection", "cmd/config {set: {inspection.paused}}");
        table.AddRow("?", "show / hide this help", "—");
        table.AddRow("q", "quit the console (the device keeps running)", "—");
        return table.Title("keys");
    }

    private static string E(string text) => Markup.Escape(text);

    private static string Short(string name) => name.Length <= 10 ? name : name[..9] + "…";

    private static string WireShort(string text) => text.Length <= 100 ? text : text[..99] + "…";

    private static string OfflineText(string? reason) => reason switch
    {
        "last-will" => "connection lost: the broker published its last will",
        "shutdown" => "shut down cleanly",
        null => "no reason given",
        _ => reason,
    };

    private static string Since(DashboardSnapshot s, DateTimeOffset? at) => at is { } t ? $" for {Duration((s.Now - t).TotalSeconds)}" : "";

    private static string Heard(DashboardSnapshot s, DeviceView d) =>
        d.LastHeard is { } t && d.Online == true && (s.Now - t).TotalSeconds >= 30 ? $" │ [yellow]silent for {Duration((s.Now - t).TotalSeconds)}[/]" : "";

    private static string Ago(DashboardSnapshot s, DateTimeOffset at) => $"[grey]{Duration(Math.Max(0, (s.Now - at).TotalSeconds))} ago[/]";

    private static string Duration(double seconds) => seconds switch
    {
        < 60 => Invariant($"{seconds:0} s"),
        < 3600 => Invariant($"{Math.Floor(seconds / 60):0} min {seconds % 60:0} s"),
        < 86400 => Invariant($"{Math.Floor(seconds / 3600):0} h {Math.Floor(seconds % 3600 / 60):0} min"),
        _ => Invariant($"{Math.Floor(seconds / 86400):0} d {Math.Floor(seconds % 86400 / 3600):0} h"),
    };
}
