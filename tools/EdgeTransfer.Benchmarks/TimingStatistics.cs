using System.Text.Json;

namespace EdgeTransfer.Benchmarks;

/// <summary>
/// Order statistics of repeated timings. The median is the figure to quote: on a shared 2-core VM the
/// mean is dragged by the few runs another process interrupted; p90 shows how bad that gets.
/// </summary>
/// <param name="Count">The number of timed runs.</param>
/// <param name="Median">The median (mean of the two middle values for an even count).</param>
/// <param name="P90">The 90th percentile (linear interpolation between closest ranks).</param>
/// <param name="Min">The fastest run.</param>
/// <param name="Max">The slowest run.</param>
public sealed record TimingStatistics(int Count, double Median, double P90, double Min, double Max)
{
    /// <summary>Computes the statistics of <paramref name="values"/>.</summary>
    /// <param name="values">At least one timing (any unit; the result keeps it).</param>
    /// <exception cref="ArgumentException">No values, or a value that is not finite.</exception>
    public static TimingStatistics From(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("Timing statistics need at least one value.", nameof(values));
        }

        if (sorted.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Timing statistics need finite values.", nameof(values));
        }

        Array.Sort(sorted);
        return new TimingStatistics(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), sorted[0], sorted[^1]);
    }

    /// <summary>These statistics with every value multiplied by <paramref name="factor"/> (e.g. per batch → per image).</summary>
    /// <param name="factor">The factor.</param>
    public TimingStatistics Scale(double factor) => this with { Median = Median * factor, P90 = P90 * factor, Min = Min * factor, Max = Max * factor };

    /// <summary>Writes the statistics as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteJson(Utf8JsonWriter writer, string name)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(name);
        writer.WriteNumber("runs", Count);
        Json.WriteNumber(writer, "median", Median);
        Json.WriteNumber(writer, "p90", P90);
        Json.WriteNumber(writer, "min", Min);
        Json.WriteNumber(writer, "max", Max);
        writer.WriteEndObject();
    }

    private static double Percentile(double[] sorted, double percent)
    {
        var rank = percent / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
