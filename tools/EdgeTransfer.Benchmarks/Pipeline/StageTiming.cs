using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Pipeline;

/// <summary>Nearest-rank percentiles of one pipeline stage, in milliseconds per frame.</summary>
/// <param name="Stage">The stage name.</param>
/// <param name="Frames">Timed frames.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Min">Fastest frame.</param>
/// <param name="Max">Slowest frame.</param>
public sealed record StageTiming(string Stage, int Frames, double P50, double P95, double P99, double Min, double Max)
{
    /// <summary>The percentiles of <paramref name="milliseconds"/>.</summary>
    /// <param name="stage">The stage name.</param>
    /// <param name="milliseconds">One value per frame (at least one).</param>
    public static StageTiming From(string stage, IReadOnlyList<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        var sorted = milliseconds.Order().ToArray();
        return new StageTiming(stage, sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[0], sorted[^1]);
    }

    /// <summary>Writes the stage as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("stage", Stage);
        writer.WriteNumber("frames", Frames);
        Json.WriteNumber(writer, "p50Ms", P50);
        Json.WriteNumber(writer, "p95Ms", P95);
        Json.WriteNumber(writer, "p99Ms", P99);
        Json.WriteNumber(writer, "minMs", Min);
        Json.WriteNumber(writer, "maxMs", Max);
        writer.WriteEndObject();
    }

    // Nearest rank, percent · n first so that whole percents of whole counts are exact.
    private static double Rank(double[] sorted, int percent) => sorted[Math.Clamp((int)Math.Ceiling(percent * sorted.Length / 100.0), 1, sorted.Length) - 1];
}
