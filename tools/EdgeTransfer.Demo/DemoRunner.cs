using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeTransfer.Agent;
using EdgeTransfer.Fleet;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Preparation;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Loading;
using Spectre.Console;

namespace EdgeTransfer.Demo;

/// <summary>
/// The whole product in one process, on embedded defaults: prepare an INT8 bundle from the NuGet ResNet18,
/// start an embedded broker, bring a device online on a simulated line, inspect with the untrained head,
/// let a simulated technician label parts over MQTT, train on the device, gate and promote, inspect again,
/// fit an anomaly model from good parts only and score defect kinds it never saw, and show what the fleet saw —
/// then report.
/// </summary>
public static class DemoRunner
{
    private const string Fleet = "demo";
    private const string DeviceId = "line1-demo";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs the demo.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="console">Where progress and the report go.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    /// <returns>The figures of the report.</returns>
    public static async Task<DemoReport> RunAsync(DemoOptions options, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var work = options.KeepDirectory is null
            ? Path.Combine(Path.GetTempPath(), "edgetransfer-demo-" + Guid.NewGuid().ToString("N")[..8])
            : Path.GetFullPath(options.KeepDirectory);
        Directory.CreateDirectory(work);
        var log = new DemoLog(Path.Combine(work, "demo.log"));
        try
        {
            return await RunStagesAsync(options, console, work, log, clock, cancellationToken);
        }
        finally
        {
            log.Dispose();
            if (options.KeepDirectory is null)
            {
                TryDelete(work);
            }
            else
            {
                console.MarkupLine($"[grey]kept bundle, device state and demo.log in[/] {Markup.Escape(work)}");
            }
        }
    }

    private static async Task<DemoReport> RunStagesAsync(DemoOptions options, IAnsiConsole console, string work, DemoLog log, Stopwatch clock, CancellationToken cancellationToken)
    {
        var stages = new DemoStages(console);

        // 1. prepare: the offline tool's job, on the embedded ResNet18.
        var bundleDirectory = Path.Combine(work, "bundle");
        var prepareClock = Stopwatch.StartNew();
        await stages.RunAsync("prepare INT8 bundle", () => Task.Run(() => BundlePreparer.Prepare(
            new PrepareOptions
            {
                Classes = options.Classes,
                OutputDirectory = bundleDirectory,
                Force = true,
                Quantize = new QuantizeOptions { MaxImages = 32 },
            },
            log.Write), cancellationToken));
        prepareClock.Stop();

        // 2. broker + fleet view.
        await using var broker = await stages.RunAsync("start embedded MQTT broker", () => EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 }, cancellationToken));
        await using var fleet = await FleetClient.ConnectAsync(new FleetConnectionOptions { Broker = new BrokerAddress("127.0.0.1", broker.Port), Fleet = Fleet }, trackSequence: true, cancellationToken);
        var training = new TrainingWatch();
        fleet.MessageReceived = message =>
        {
            training.Observe(message);
            return Task.CompletedTask;
        };
        await fleet.SubscribeAsync([TopicKind.Status, TopicKind.Telemetry, TopicKind.Events, TopicKind.Training], cancellationToken: cancellationToken);

        // 3. the device: host + simulated line + MQTT agent.
        var deviceOptions = DeviceOptionsFor(options, bundleDirectory, Path.Combine(work, "state"), broker.Port);
        var line = new SyntheticLineSource(new SyntheticLineOptions
        {
            Seed = options.Seed,
            FramesPerSecond = options.LineFramesPerSecond,
            ClassMix = LineFactory.SyntheticMix(options.Classes, "good"),
        });
        // Resolved like every other host: a bundle deployed over MQTT into a kept state directory stays in service.
        var host = DeviceHost.Open(DeployedBundles.Resolve(deviceOptions));
        var loop = host.StartInspection(line);
        await using var agent = new DeviceAgent(host, new DeviceAgentOptions { StartInspection = h => h.StartInspection(line) });
        await stages.RunAsync("device online over MQTT", async () =>
        {
            await agent.StartAsync(cancellationToken);
            await WaitUntilAsync(() => fleet.View.OnlineDevices().Contains(DeviceId), TimeSpan.FromSeconds(20), "the device's birth message", cancellationToken);
        });

        // 4. inspect with the untrained head.
        var before = new AccuracyMeter(options.EvaluationParts, null);
        loop.VerdictReady += before.Observe;
        await stages.RunProgressAsync($"inspect {options.EvaluationParts} new parts, untrained head", options.EvaluationParts, () => before.Seen, before.Completion, cancellationToken);
        loop.VerdictReady -= before.Observe;

        // 5. the technician labels parts over MQTT, class by class (as with the console's 1…9 and c keys).
        var labelled = 0;
        foreach (var label in options.Classes)
        {
            line.Feed = label;
            await Ask(fleet, "collect", $$"""{"action":"start","label":"{{label}}","maxSamples":{{options.PartsPerClass}}}""", cancellationToken);
            var target = options.PartsPerClass;
            await stages.RunProgressAsync($"technician labels {target} '{label}' parts", target, () => host.Samples.CountOf(label), WaitForCountAsync(host, label, target, cancellationToken), cancellationToken);
            await Ask(fleet, "collect", """{"action":"stop"}""", cancellationToken);
            labelled += host.Samples.CountOf(label);
        }

        line.Feed = null;

        // 6. on-device training, quality gate, promotion — started and watched over MQTT.
        await Ask(fleet, "train", string.Create(CultureInfo.InvariantCulture, $$"""{"epochs":{{options.Epochs}},"learningRate":{{options.LearningRate}}}"""), cancellationToken);
        var result = await stages.RunProgressAsync("on-device training (ORT, head only)", options.Epochs, () => training.Epoch, training.Result, cancellationToken);
        var promotedHead = host.Heads.Current!.Name;
        console.MarkupLine($"  quality gate: {Markup.Escape(result.Reason ?? result.Outcome.ToString())}");

        // 7. inspect again with the head in service.
        var after = new AccuracyMeter(options.EvaluationParts, promotedHead);
        loop.VerdictReady += after.Observe;
        await stages.RunProgressAsync($"inspect {options.EvaluationParts} new parts, head {promotedHead}", options.EvaluationParts, () => after.Seen, after.Completion, cancellationToken);
        loop.VerdictReady -= after.Observe;

        // 8. float vs int8 backbone latency, inspection paused so both get the same quiet cores.
        await Ask(fleet, "config", """{"set":{"inspection.paused":true}}""", cancellationToken);
        var (floatMs, int8Ms) = await stages.RunAsync("float vs INT8 backbone latency", () => Task.Run(() => MeasureBackbones(bundleDirectory), cancellationToken));
        var stats = loop.GetStatistics();

        // 9. the normal-only act: good parts only → fit on the device → defect kinds never shown are rejected.
        var mapPath = options.KeepDirectory is null ? Path.Combine(Path.GetTempPath(), "edgetransfer-demo-anomaly-map.png") : Path.Combine(work, "anomaly-map.png");
        var anomaly = options.AnomalyGoodParts == 0 ? null : await AnomalyAct.RunAsync(stages, fleet, DeviceId, host, Path.Combine(work, "parts"), mapPath, options, cancellationToken);

        // 10. what the fleet saw.
        agent.PublishTelemetry();
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var record = fleet.View.Snapshot().FirstOrDefault(d => d.Device == DeviceId);
        FleetTable(console, record);

        clock.Stop();
        using var process = Process.GetCurrentProcess();
        return new DemoReport
        {
            AccuracyBefore = before.Accuracy,
            AccuracyAfter = after.Accuracy,
            EvaluationParts = options.EvaluationParts,
            LabelledSamples = labelled,
            TrainingOutcome = $"{result.Outcome}: {result.Reason}",
            HeadVersion = promotedHead,
            TrainingTime = TimeSpan.FromSeconds(result.DurationSeconds),
            FloatBackboneMs = floatMs,
            Int8BackboneMs = int8Ms,
            PrepareTime = prepareClock.Elapsed,
            PeakWorkingSetBytes = process.PeakWorkingSet64,
            MessagesReceived = record?.Messages ?? 0,
            SequenceGaps = record?.Gaps ?? 0,
            FramesInspected = stats.Frames,
            Elapsed = clock.Elapsed,
            Anomaly = anomaly,
        };
    }

    /// <summary>Prints the report table.</summary>
    /// <param name="report">The figures.</param>
    /// <param name="console">Where to print.</param>
    public static void Print(DemoReport report, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Title("[bold]EdgeTransfer demo report[/]").AddColumn("").AddColumn("");
        string P(double v) => double.IsFinite(v) ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
        table.AddRow("accuracy before training", $"{P(report.AccuracyBefore)} on {report.EvaluationParts} new parts");
        table.AddRow("accuracy after training", $"{P(report.AccuracyAfter)} on {report.EvaluationParts} other new parts ({(report.AccuracyAfter - report.AccuracyBefore) * 100:+0.0;-0.0} points)");
        table.AddRow("labelled on the device", $"{report.LabelledSamples} samples");
        table.AddRow("training", Markup.Escape($"{report.TrainingTime.TotalSeconds:0.00} s on the device; {report.TrainingOutcome}"));
        table.AddRow("head in service", report.HeadVersion);
        table.AddRow("backbone latency (batch 1)", string.Create(CultureInfo.InvariantCulture, $"float {report.FloatBackboneMs:0.0} ms, INT8 {report.Int8BackboneMs:0.0} ms ({report.FloatBackboneMs / report.Int8BackboneMs:0.00}× faster)"));
        table.AddRow("prepare", $"{report.PrepareTime.TotalSeconds:0.0} s");
        table.AddRow("frames inspected", report.FramesInspected.ToString(CultureInfo.InvariantCulture));
        table.AddRow("peak memory (whole demo process)", $"{report.PeakWorkingSetBytes / 1024.0 / 1024.0:0} MB — prepare + quantization + broker + fleet view + device in one process; the device alone: docs/benchmarks.md");
        table.AddRow("MQTT messages at the fleet view", $"{report.MessagesReceived} received, {report.SequenceGaps} lost (seq gaps)");
        table.AddRow("total", $"{report.Elapsed.TotalSeconds:0} s");
        console.Write(table);
        if (report.Anomaly is { } anomaly)
        {
            AnomalyActPrinter.Print(anomaly, console);
        }
    }

    private static DeviceOptions DeviceOptionsFor(DemoOptions options, string bundle, string state, int port) => new()
    {
        Device = new DeviceIdentityOptions { Id = DeviceId, Fleet = Fleet },
        Bundle = new BundleOptions { Path = bundle },
        ExecutionProvider = new ExecutionProviderOptions { Kind = ExecutionProviderKind.Cpu, IntraOpThreads = 2 },
        Source = new SourceOptions { Kind = SourceKind.Synthetic },
        Store = new StoreOptions { Path = state },
        Inspection = new InspectionOptions { Anomaly = new AnomalyInspectionOptions { GoodImages = AnomalyAct.GoodImages(Path.Combine(Path.GetDirectoryName(state)!, "parts")) } },
        Training = new TrainingOptions { Epochs = options.Epochs, LearningRate = options.LearningRate },
        Mqtt = new MqttOptions { Enabled = true, Host = "127.0.0.1", Port = port, TelemetryIntervalSeconds = 2 },
    };

    private static async Task Ask(FleetClient fleet, string command, string body, CancellationToken cancellationToken)
    {
        // Every request names the protocol version (docs/mqtt.md); the body's own fields follow it.
        var request = "{\"schema\":\"" + DeviceMessage.SchemaVersion + "\"," + body.TrimStart()[1..];
        var reply = await fleet.Connection.SendCommandAsync(DeviceId, command, Encoding.UTF8.GetBytes(request), CommandTimeout, cancellationToken);
        if (!reply.Ok)
        {
            throw new EdgeTransferException($"The device refused '{command}': {reply.Error?.Code} {reply.Error?.Message}");
        }
    }

    private static async Task WaitForCountAsync(DeviceHost host, string label, int target, CancellationToken cancellationToken) =>
        await WaitUntilAsync(() => host.Samples.CountOf(label) >= target, TimeSpan.FromSeconds(120), $"{target} '{label}' samples", cancellationToken);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new EdgeTransferException($"The demo waited {timeout.TotalSeconds:0} s for {what} and gave up.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    // Interleaved, 5 warm-up + 30 timed runs each, median: the same protocol as `bench backbone`, shorter.
    private static (double FloatMs, double Int8Ms) MeasureBackbones(string bundleDirectory)
    {
        var options = new BackboneOptions { IntraOpThreads = 2, AllowSpinning = false };
        using var full = DeviceBundle.Open(bundleDirectory, BackboneChoice.FullPrecision).CreateBackbone(options);
        using var int8 = DeviceBundle.Open(bundleDirectory, BackboneChoice.Quantized).CreateBackbone(options);
        var random = new Random(1);
        foreach (var session in new[] { full, int8 })
        {
            var input = session.Input;
            for (var i = 0; i < input.Length; i++)
            {
#pragma warning disable CA5394 // test pattern, not security
                input[i] = (float)((random.NextDouble() * 200) - 100);
#pragma warning restore CA5394
            }
        }

        var floatTimes = new List<double>();
        var int8Times = new List<double>();
        for (var i = 0; i < 35; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            full.Run();
            var t1 = Stopwatch.GetTimestamp();
            int8.Run();
            var t2 = Stopwatch.GetTimestamp();
            if (i >= 5)
            {
                floatTimes.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                int8Times.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            }
        }

        return (Median(floatTimes), Median(int8Times));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static void FleetTable(IAnsiConsole console, DeviceRecord? record)
    {
        var table = new Table().Title("[bold]fleet view (what arrived over MQTT)[/]")
            .AddColumn("device").AddColumn("state").AddColumn("frames").AddColumn("verdicts").AddColumn("latency p50/p95/p99 ms").AddColumn("messages").AddColumn("gaps");
        if (record is null)
        {
            table.AddRow(DeviceId, "not seen", "", "", "", "", "");
        }
        else
        {
            var t = record.Telemetry;
            var verdicts = t is null ? "" : string.Join(", ", t.Verdicts.Select(v => $"{v.Key} {v.Value}"));
            var latency = t?.LatencyMs is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.P50:0.0} / {l.P95:0.0} / {l.P99:0.0}") : "";
            table.AddRow(
                record.Device,
                record.State?.ToString() ?? "?",
                t?.Frames.ToString(CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(verdicts),
                latency,
                record.Messages.ToString(CultureInfo.InvariantCulture),
                (record.Gaps ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
