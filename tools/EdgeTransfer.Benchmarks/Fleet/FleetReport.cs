using System.Globalization;
using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>
/// The figures of <see cref="FleetBenchmark"/>: the machine and broker, the connection ramp-up, the fleet
/// phase, the single-client baseline at the same total message rate, their ratio, and the issue-5 targets.
/// </summary>
public sealed record FleetReport
{
    /// <summary>The issue-5 target: every message delivered.</summary>
    public const double TargetDelivered = 1.0;

    /// <summary>The issue-5 target: p99 end-to-end latency below this, in ms.</summary>
    public const double TargetP99Ms = 250;

    /// <summary>Where it ran.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The 1-minute load average at the end.</summary>
    public required double LoadAverageAtEnd { get; init; }

    /// <summary>What was asked.</summary>
    public required FleetBenchmarkOptions Options { get; init; }

    /// <summary>Which broker, and how it was started (<c>mosquitto version 2.0.11, spawned on 127.0.0.1:40123</c>).</summary>
    public required string Broker { get; init; }

    /// <summary>Where the devices' outboxes lived (tmpfs: the file system is not what is measured).</summary>
    public required string StateRoot { get; init; }

    /// <summary>Seconds to connect every device (ramp-up with <see cref="FleetBenchmarkOptions.ConnectParallel"/> in flight).</summary>
    public required double ConnectSeconds { get; init; }

    /// <summary>Per-device connect time (CONNECT to CONNACK and the birth's PUBACK), ms.</summary>
    public required LatencySummary ConnectMs { get; init; }

    /// <summary>The fleet phase.</summary>
    public required PhaseResult Fleet { get; init; }

    /// <summary>The baseline: one client sending the same total rate; null when skipped.</summary>
    public PhaseResult? Baseline { get; init; }

    /// <summary>Threads of this process at the end of the fleet phase (the MQTT clients are async: no thread per client).</summary>
    public required int Threads { get; init; }

    /// <summary>Fleet p99 / baseline p99: what many connections cost against one at the same message rate.</summary>
    public double P99Ratio => Baseline is { } b ? Fleet.Latency.P99 / b.Latency.P99 : double.NaN;

    /// <summary>Fleet p50 / baseline p50.</summary>
    public double P50Ratio => Baseline is { } b ? Fleet.Latency.P50 / b.Latency.P50 : double.NaN;

    /// <summary>The targets and whether they were met.</summary>
    public IReadOnlyList<TargetCheck> Targets =>
    [
        new TargetCheck(
            "fleet-delivered",
            "100 % of the telemetry delivered (QoS 1)",
            Invariant($"{Fleet.DeliveredRatio:P2} ({Fleet.Delivered}/{Fleet.Sent})"),
            Fleet.DeliveredRatio >= TargetDelivered,
            Fleet.DeliveredRatio >= TargetDelivered ? "" : Invariant($"{Fleet.Sent - Fleet.Delivered} lost in {Fleet.Holes} gap(s)")),
        new TargetCheck(
            "fleet-p99-latency",
            Invariant($"p99 end-to-end latency < {TargetP99Ms:0} ms"),
            Invariant($"{Fleet.Latency.P99:0.0} ms"),
            Fleet.Latency.P99 < TargetP99Ms,
            Fleet.Latency.P99 < TargetP99Ms ? "" : WhereTheTimeGoes()),
    ];

    /// <summary>Writes the figures for people (Markdown tables), the machine first.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTable(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"machine    {Machine}"));
        output.WriteLine(Invariant($"load       {Load(Machine.LoadAverage)} at start, {Load(LoadAverageAtEnd)} at end (1-minute average)"));
        output.WriteLine(Invariant($"broker     {Broker}"));
        output.WriteLine(Invariant($"workload   {Options.Devices} devices × {Options.Rate}/s for {Options.Seconds} s (QoS 1 telemetry through each device's outbox, state in {StateRoot}); {Options.Consumers} consumer(s){(Options.Consumers > 1 || Options.Share is not null ? $" in shared group '{Options.Share ?? "bench"}'" : "")}"));
        output.WriteLine(Invariant($"connect    {Options.Devices} devices in {ConnectSeconds:0.00} s ({Options.ConnectParallel} in flight); per device p50 {ConnectMs.P50:0.0} ms, p99 {ConnectMs.P99:0.0} ms, max {ConnectMs.Max:0.0} ms"));
        output.WriteLine(Invariant($"threads    {Threads} in this process at the end of the run"));
        output.WriteLine();
        output.WriteLine("| phase | clients | msg/s | sent | delivered | delivered/sent | duplicates | gaps | p50 ms | p95 ms | p99 ms | max ms | send lag p99 ms | client CPU | broker CPU |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row(output, "fleet", Fleet);
        if (Baseline is { } baseline)
        {
            Row(output, "baseline (1 client, same rate)", baseline);
        }

        output.WriteLine();
        if (Baseline is not null)
        {
            output.WriteLine(Invariant($"ratio      fleet / baseline: p50 {P50Ratio:0.00}×, p99 {P99Ratio:0.00}×"));
        }

        output.WriteLine();
        TargetCheck.WriteTable(output, 5, Targets);
    }

    /// <summary>The figures as one JSON object.</summary>
    public string ToJson() => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("benchmark", "fleet");
        w.WritePropertyName("machine");
        Machine.WriteJson(w);
        Json.WriteNumber(w, "loadAverageAtEnd", LoadAverageAtEnd);
        w.WriteString("broker", Broker);
        w.WriteString("stateRoot", StateRoot);
        w.WriteStartObject("workload");
        w.WriteNumber("devices", Options.Devices);
        Json.WriteNumber(w, "rate", Options.Rate);
        Json.WriteNumber(w, "seconds", Options.Seconds);
        w.WriteNumber("consumers", Options.Consumers);
        if (Options.Consumers > 1 || Options.Share is not null)
        {
            w.WriteString("share", Options.Share ?? "bench");
        }

        w.WriteNumber("connectParallel", Options.ConnectParallel);
        w.WriteEndObject();
        Json.WriteNumber(w, "connectSeconds", ConnectSeconds);
        ConnectMs.WriteJson(w, "connectMs");
        w.WriteNumber("threads", Threads);
        Fleet.WriteJson(w, "fleet");
        if (Baseline is { } baseline)
        {
            baseline.WriteJson(w, "baseline");
        }

        Json.WriteNumber(w, "p50Ratio", P50Ratio);
        Json.WriteNumber(w, "p99Ratio", P99Ratio);
        Json.WriteTargets(w, Targets);
        w.WriteEndObject();
    });

    private string WhereTheTimeGoes()
    {
        var broker = Fleet.BrokerCpuPercent is { } b ? Invariant($"broker CPU {b:0}%") : "broker CPU unknown (embedded or external)";
        return Invariant($"client CPU {Fleet.ClientCpuPercent:0}% of one core, {broker}, send lag p99 {Fleet.SendLag.P99:0.0} ms on {Machine.LogicalCores} cores");
    }

    private static void Row(TextWriter output, string name, PhaseResult p) =>
        output.WriteLine(Invariant(
            $"| {name} | {p.Devices} | {p.MessagesPerSecond:0.#} | {p.Sent} | {p.Delivered} | {p.DeliveredRatio:P2} | {p.Duplicates} | {p.Holes} | {p.Latency.P50:0.0} | {p.Latency.P95:0.0} | {p.Latency.P99:0.0} | {p.Latency.Max:0.0} | {p.SendLag.P99:0.0} | {p.ClientCpuPercent:0}% | {(p.BrokerCpuPercent is { } b ? Invariant($"{b:0}%") : "n/a")} |"));

    private static string Load(double value) => double.IsNaN(value) ? "unknown" : value.ToString("0.00", CultureInfo.InvariantCulture);
}
