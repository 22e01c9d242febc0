using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Float and int8 latency for one batch size and spinning setting, timed interleaved in the same run.</summary>
/// <param name="Spinning">Whether ORT's intra-op threads were allowed to spin.</param>
/// <param name="BatchSize">Images per run.</param>
/// <param name="FloatTiming">Milliseconds per image of the float backbone.</param>
/// <param name="QuantizedTiming">Milliseconds per image of the int8 backbone.</param>
public sealed record LatencyComparison(bool Spinning, int BatchSize, TimingStatistics FloatTiming, TimingStatistics QuantizedTiming)
{
    /// <summary>How many times faster int8 is than float: the ratio of the medians.</summary>
    public double Speedup => QuantizedTiming.Median > 0 ? FloatTiming.Median / QuantizedTiming.Median : double.NaN;

    /// <summary>Writes the comparison as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteBoolean("allowSpinning", Spinning);
        writer.WriteNumber("batchSize", BatchSize);
        FloatTiming.WriteJson(writer, "floatMsPerImage");
        QuantizedTiming.WriteJson(writer, "int8MsPerImage");
        Json.WriteNumber(writer, "speedup", Speedup);
        writer.WriteEndObject();
    }
}
