using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>Nearest-rank percentiles of a set of latencies, in milliseconds.</summary>
/// <param name="Count">How many values.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The largest value.</param>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    /// <summary>No values: every figure NaN (written as null in JSON).</summary>
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarises <paramref name="values"/> (nearest rank: the figure is a value that was measured).</summary>
    /// <param name="values">The values; may be empty.</param>
    public static LatencySummary From(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return Empty;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1]);
    }

    /// <summary>Writes the summary as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteJson(Utf8JsonWriter writer, string name)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(name);
        writer.WriteNumber("count", Count);
        Json.WriteNumber(writer, "p50", P50);
        Json.WriteNumber(writer, "p95", P95);
        Json.WriteNumber(writer, "p99", P99);
        Json.WriteNumber(writer, "max", Max);
        writer.WriteEndObject();
    }

    private static double Rank(double[] sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
