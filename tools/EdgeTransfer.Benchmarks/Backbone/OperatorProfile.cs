using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>
/// Where a backbone's time goes, by operator type, from ORT's own profiler (kernel times of a separate,
/// profiled session at batch 1; the timed sessions are never profiled, since profiling costs time).
/// </summary>
/// <param name="Backbone">"float" or "int8".</param>
/// <param name="Runs">Profiled inferences.</param>
/// <param name="Operators">Operator types, most time first.</param>
public sealed record OperatorProfile(string Backbone, int Runs, IReadOnlyList<OperatorTime> Operators)
{
    /// <summary>Summed kernel time per inference, all operators.</summary>
    public double KernelMillisecondsPerRun => Operators.Sum(o => o.MillisecondsPerRun);

    /// <summary>Reads an ORT profile (Chrome trace JSON: an array of events) and sums the node kernel times by operator.</summary>
    /// <param name="backbone">The backbone's name.</param>
    /// <param name="traceJson">The trace file's text.</param>
    /// <param name="runs">The inferences the trace covers.</param>
    public static OperatorProfile Parse(string backbone, string traceJson, int runs)
    {
        ArgumentNullException.ThrowIfNull(traceJson);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var micros = new Dictionary<string, double>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(traceJson);
        foreach (var e in document.RootElement.EnumerateArray())
        {
            // Node events are "<node>_kernel_time" (the kernel), "_fence_before"/"_fence_after" (bookkeeping).
            if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node"
                || !e.TryGetProperty("name", out var name) || name.GetString() is not { } nodeName || !nodeName.EndsWith("_kernel_time", StringComparison.Ordinal)
                || !e.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op) || op.GetString() is not { } opType
                || !e.TryGetProperty("dur", out var dur))
            {
                continue;
            }

            micros[opType] = micros.GetValueOrDefault(opType) + dur.GetDouble();
            if (!nodes.TryGetValue(opType, out var set))
            {
                nodes[opType] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(nodeName);
        }

        var total = micros.Values.Sum();
        return new OperatorProfile(
            backbone,
            runs,
            [.. micros.OrderByDescending(kv => kv.Value).Select(kv => new OperatorTime(kv.Key, nodes[kv.Key].Count, kv.Value / 1000 / runs, total > 0 ? kv.Value / total : 0))]);
    }

    /// <summary>Writes the profile as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("backbone", Backbone);
        writer.WriteNumber("runs", Runs);
        Json.WriteNumber(writer, "kernelMsPerRun", KernelMillisecondsPerRun);
        writer.WriteStartArray("operators");
        foreach (var o in Operators)
        {
            writer.WriteStartObject();
            writer.WriteString("op", o.OpType);
            writer.WriteNumber("nodes", o.Nodes);
            Json.WriteNumber(writer, "msPerRun", o.MillisecondsPerRun);
            Json.WriteNumber(writer, "share", o.Share);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
